namespace Corridor.Client;

public sealed partial class CorridorClient
{
    /// <summary>Requests, batches and the request-latency histogram since the node started (docs/api.md, "Node").</summary>
    public Task<ApiResult<NodeLatencyDto>> GetNodeLatencyAsync(CancellationToken c = default) => SendAsync<NodeLatencyDto>(HttpMethod.Get, "v1/node/latency", null, c);
}
