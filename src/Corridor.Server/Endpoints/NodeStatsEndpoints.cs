using Corridor.Client;
using Corridor.Server.Http;
using Corridor.Storage.Node;

namespace Corridor.Server.Endpoints;

/// <summary>
/// How the node itself is doing, for screens that chart it (the console's overview): requests answered and the
/// distribution of their latency (submit to durable reply) since start, as histogram buckets a reader subtracts between
/// two readings to get the latency of the interval. Node-wide figures, no payment data: any signed-in caller may read them.
/// </summary>
public static class NodeStatsEndpoints
{
    public static void Map(WebApplication app, NodeGateway gw) =>
        app.MapGet("/v1/node/latency", (HttpContext c) =>
        {
            gw.Authenticate(c);
            NodeMetrics m = gw.Node.Metrics;
            (long UpperBound, long Count)[] buckets = m.RequestLatency.Buckets();
            var rows = new LatencyBucketDto[buckets.Length];
            for (int i = 0; i < buckets.Length; i++) rows[i] = new LatencyBucketDto(buckets[i].UpperBound, buckets[i].Count);
            return Results.Json(new NodeLatencyDto(m.Requests, m.Batches, rows), CorridorJson.Options);
        }).WithTags("node").Produces<NodeLatencyDto>();
}
