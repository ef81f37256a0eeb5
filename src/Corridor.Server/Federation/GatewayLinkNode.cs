using Corridor.Core.Engine;
using Corridor.Link;
using Corridor.Storage.Node;

namespace Corridor.Server.Federation;

/// <summary>
/// The real node under the link (src/Corridor.Link): commands go through the node's sequencer (journaled and fsync'd before the
/// reply), queries run on its engine thread, messages carry the wall clock and random ids, and the crash tests' points
/// (<see cref="CrashPoints"/>, <c>CORRIDOR_CRASH_AT</c>) are reached where the link says.
/// </summary>
internal sealed class GatewayLinkNode(NodeGateway gw) : ILinkNode
{
    public Task<CommandReply> SubmitAsync(Operation operation, int count, byte[] payload) => gw.SubmitAsync(operation, count, payload);

    public Task<T> QueryAsync<T>(Func<Engine, T> query) => gw.QueryAsync(query);

    public ulong NowNs => NodeOptions.WallClockNs();

    public string NewMessageId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..28];

    public void Reached(LinkPoint point) => CrashPoints.Reach(LinkPoints.Name(point));
}
