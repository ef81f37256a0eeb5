namespace Corridor.Client;

public sealed partial class CorridorClient
{
    /// <summary><c>GET /v1/node/latency</c>: requests answered and journal batches written since the node started, and the request-latency histogram (submit to durable reply).</summary>
    /// <param name="c">Cancels the call.</param>
    /// <returns>The counters and non-empty histogram buckets.</returns>
    public Task<ApiResult<NodeLatencyDto>> GetNodeLatencyAsync(CancellationToken c = default) => SendAsync<NodeLatencyDto>(HttpMethod.Get, "v1/node/latency", null, c);
}
