using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using Corridor.Storage.Node;

namespace Corridor.Server.Observability;

/// <summary>HTTP request counters per route and status, and the Prometheus text exposition of them plus the node's metrics.</summary>
public sealed class HttpMetrics
{
    private readonly ConcurrentDictionary<(string Route, string Method, int Status), long[]> _requests = new();
    public LatencyHistogram RequestLatency { get; } = new();

    public void Record(string route, string method, int status, TimeSpan elapsed)
    {
        long[] cell = _requests.GetOrAdd((route, method, status), _ => new long[1]);
        Interlocked.Increment(ref cell[0]);
        RequestLatency.Record(elapsed);
    }

    private static readonly long[] LatencyBoundsMicros = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000];

    public async Task<string> RenderAsync(NodeGateway gw)
    {
        var sb = new StringBuilder(8 * 1024);
        var inv = CultureInfo.InvariantCulture;
        sb.Append("# HELP corridor_http_requests_total HTTP requests by route, method and status.\n# TYPE corridor_http_requests_total counter\n");
        foreach (var ((route, method, status), cell) in _requests)
            sb.Append(inv, $"corridor_http_requests_total{{route=\"{Escape(route)}\",method=\"{method}\",status=\"{status}\"}} {Interlocked.Read(ref cell[0])}\n");
        Histogram(sb, "corridor_http_request_duration_seconds", "HTTP request latency.", RequestLatency);

        Node? node = gw.NodeOrNull;
        sb.Append(inv, $"# HELP corridor_ready 1 once recovery finished.\n# TYPE corridor_ready gauge\ncorridor_ready {(node is null ? 0 : 1)}\n");
        if (node is null) return sb.ToString();
        Endpoints.ReadModelEndpoints.RenderMetrics(sb, gw);
        gw.Links.RenderMetrics(sb, NodeOptions.WallClockNs());
        NodeMetrics m = node.Metrics;
        Counter(sb, "corridor_journal_batches_total", "Journal batches written (group commits).", m.Batches);
        Counter(sb, "corridor_journal_bytes_total", "Bytes of batch bodies journaled.", m.JournalBytes);
        Counter(sb, "corridor_engine_requests_total", "Commands applied.", m.Requests);
        Counter(sb, "corridor_engine_item_errors_total", "Items the engine rejected.", m.ItemErrors);
        Counter(sb, "corridor_rejected_busy_total", "Requests refused because the sequencer queue was full (HTTP 503).", m.RejectedBusy);
        Counter(sb, "corridor_snapshots_total", "Snapshots written.", m.Snapshots);
        sb.Append(inv, $"# HELP corridor_applied_sequence Last batch applied.\n# TYPE corridor_applied_sequence gauge\ncorridor_applied_sequence {m.AppliedSequence}\n");
        sb.Append("# HELP corridor_engine_events_total Events (items) applied, by operation.\n# TYPE corridor_engine_events_total counter\n");
        foreach (Operation op in Enum.GetValues<Operation>())
        {
            if (op == Operation.None) continue;
            sb.Append(inv, $"corridor_engine_events_total{{operation=\"{op}\"}} {m.EventsOf(op)}\n");
        }
        Histogram(sb, "corridor_journal_fsync_seconds", "Journal append + fsync latency per batch.", m.FsyncLatency);
        Histogram(sb, "corridor_engine_request_seconds", "Time from submit to durable reply.", m.RequestLatency);
        sb.Append("# HELP corridor_batch_requests Requests merged per journal batch.\n# TYPE corridor_batch_requests histogram\n");
        long[] sizes = [1, 2, 4, 8, 16, 64, 256, 1024, 4096, 8192];
        foreach (long b in sizes) sb.Append(inv, $"corridor_batch_requests_bucket{{le=\"{b}\"}} {m.BatchRequests.CountAtOrBelow(b)}\n");
        sb.Append(inv, $"corridor_batch_requests_bucket{{le=\"+Inf\"}} {m.BatchRequests.Count}\ncorridor_batch_requests_count {m.BatchRequests.Count}\ncorridor_batch_requests_sum {m.BatchRequests.SumSeconds * 1e6:F0}\n");

        // Queue length: the engine's own queued payments; liquidity: sum of settlement balances per ledger.
        var (queued, liquidity) = await node.QueryAsync(e =>
        {
            var sums = new SortedDictionary<uint, Int128>();
            foreach (ParticipantInfo p in e.Settlement.GetParticipants())
                foreach (SettlementAccountInfo a in p.Accounts)
                    sums[a.Ledger] = (sums.TryGetValue(a.Ledger, out Int128 s) ? s : 0) + a.BalanceMinor;
            return (e.Settlement.QueuedCount, sums);
        });
        sb.Append(inv, $"# HELP corridor_queued_payments Payments waiting in RTGS queues.\n# TYPE corridor_queued_payments gauge\ncorridor_queued_payments {queued}\n");
        sb.Append("# HELP corridor_liquidity_minor Sum of settlement account balances per ledger (minor units).\n# TYPE corridor_liquidity_minor gauge\n");
        foreach (var (ledger, sum) in liquidity) sb.Append(inv, $"corridor_liquidity_minor{{ledger=\"{ledger}\"}} {sum}\n");
        return sb.ToString();
    }

    private static void Counter(StringBuilder sb, string name, string help, long value) =>
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");

    private static void Histogram(StringBuilder sb, string name, string help, LatencyHistogram h)
    {
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"# HELP {name} {help}\n# TYPE {name} histogram\n");
        foreach (long b in LatencyBoundsMicros) sb.Append(inv, $"{name}_bucket{{le=\"{b / 1e6:0.######}\"}} {h.CountAtOrBelow(b)}\n");
        sb.Append(inv, $"{name}_bucket{{le=\"+Inf\"}} {h.Count}\n{name}_sum {h.SumSeconds:0.######}\n{name}_count {h.Count}\n");
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
