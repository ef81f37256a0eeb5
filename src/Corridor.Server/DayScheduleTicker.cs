using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using Corridor.Storage.Node;

namespace Corridor.Server;

/// <summary>
/// Keeps the day's schedule on an idle node. The engine moves the day past a scheduled cut-off at the start of the first
/// batch at or after its time; a node with no traffic has no batch, so when a cut-off's time has come and the day has not
/// moved, this submits one journaled <see cref="Operation.DayScheduleTick"/> (no items). Replay sees the same batch at the
/// same time and moves the day at the same point. At most one tick per <see cref="PeriodMs"/>.
/// </summary>
public sealed class DayScheduleTicker : IAsyncDisposable
{
    public const int PeriodMs = 250;

    private static readonly byte[] TickPayload = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public DayScheduleTicker(Node node, Func<ulong> clock) => _loop = RunAsync(node, clock, _stop.Token);

    private static async Task RunAsync(Node node, Func<ulong> clock, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(PeriodMs));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    ScheduledCutoff? next = await node.QueryAsync(e => e.Settlement.NextScheduledCutoff());
                    if (next is { } due && due.AtNs <= clock())
                        await node.SubmitAsync(Operation.DayScheduleTick, 0, TickPayload, waitWhenFull: false, stop);
                }
                catch (NodeBusyException)
                {
                    // The queue is full: the batches already queued move the day; the next period looks again.
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or NodeStoppedException or ObjectDisposedException)
        {
            // Stopping with the server.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
