using System.Diagnostics.Metrics;
using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using Corridor.Server.ReadModel;
using Corridor.Storage.Node;

namespace Corridor.Server.Observability;

/// <summary>
/// The node's own instruments on the <see cref="MeterName"/> meter (System.Diagnostics.Metrics, exported by OpenTelemetry at
/// /metrics): sequencer queue depth, journal batches and bytes, engine requests and events per operation, settlement queue and
/// liquidity, read-model position and lag. Names are stable (deploy/grafana reads them); the Prometheus exporter turns
/// <c>corridor.journal.bytes</c> into <c>corridor_journal_bytes_total</c>. Histograms (fsync, request latency, batch size) are
/// recorded by <see cref="NodeMetrics.Instrument"/> as they happen; everything else is read when scraped.
/// </summary>
internal static class NodeInstruments
{
    public const string MeterName = "Corridor";

    /// <summary>How long one scrape's engine figures (queued payments, liquidity per ledger) are reused by the other instruments.</summary>
    private static readonly TimeSpan EngineFiguresTtl = TimeSpan.FromSeconds(1);

    public static void Create(Meter meter, NodeGateway gw)
    {
        Node? Node() => gw.NodeOrNull;
        long Of(Func<NodeMetrics, long> read) => Node() is { } n ? read(n.Metrics) : 0;

        meter.CreateObservableGauge("corridor.ready", () => gw.Ready ? 1 : 0, description: "1 once recovery finished.");
        meter.CreateObservableGauge("corridor.sequencer.queue_depth", () => Node()?.QueueDepth ?? 0, "{request}", "Requests waiting for the sequencer (bounded queue).");
        meter.CreateObservableCounter("corridor.journal.batches", () => Of(m => m.Batches), description: "Journal batches written (group commits).");
        meter.CreateObservableCounter("corridor.journal.bytes", () => Of(m => m.JournalBytes), "By", "Bytes of batch bodies journaled.");
        meter.CreateObservableCounter("corridor.engine.requests", () => Of(m => m.Requests), description: "Commands applied.");
        meter.CreateObservableCounter("corridor.engine.item_errors", () => Of(m => m.ItemErrors), description: "Items the engine rejected.");
        meter.CreateObservableCounter("corridor.rejected_busy", () => Of(m => m.RejectedBusy), description: "Requests refused because the sequencer queue was full (HTTP 503).");
        meter.CreateObservableCounter("corridor.snapshots", () => Of(m => m.Snapshots), description: "Snapshots written.");
        meter.CreateObservableCounter("corridor.snapshots.delta", () => Of(m => m.DeltaSnapshots),
            description: "Snapshots written as deltas against the newest full snapshot (incremental), of corridor.snapshots.");
        meter.CreateObservableGauge("corridor.snapshot.bytes", () => Of(m => m.LastSnapshotBytes), "By",
            "Content bytes of the last snapshot written (a delta holds the ledger's chunks changed since its base and the rest whole).");
        meter.CreateObservableGauge("corridor.snapshot.capture_seconds", () => Node()?.Metrics.LastSnapshotCapture.TotalSeconds ?? 0, "s",
            "The engine's pause to capture the last snapshot's image (the write runs beside the engine).");
        meter.CreateObservableGauge("corridor.snapshot.write_seconds", () => Node()?.Metrics.LastSnapshotDuration.TotalSeconds ?? 0, "s",
            "Time to hash and write the last snapshot file, off the engine thread.");
        // What recovery passed over or repaired at start-up (also logged and on /health/ready): non-zero deserves a look.
        meter.CreateObservableCounter("corridor.recovery.snapshots_rejected", () => (long)(Node()?.Recovery.SnapshotsRejected.Count ?? 0),
            description: "Snapshot files skipped at start-up because they did not verify (the node started from an older one or from batch 1).");
        meter.CreateObservableCounter("corridor.recovery.journal_findings", () => (long)(Node()?.Recovery.JournalNotes.Count ?? 0),
            description: "Journal repairs and checks that could not be made at start-up: a torn tail dropped, a damaged or missing commit record.");
        meter.CreateObservableCounter("corridor.recovery.journal_truncated_bytes", () => Node()?.Recovery.JournalTruncatedBytes ?? 0, "By",
            "Bytes of torn tail (a write never acknowledged) cut off the journal at start-up.");
        meter.CreateObservableCounter("corridor.message_archive.received_bytes", () => gw.Messages?.ReceivedBytes ?? 0, "By",
            "Bytes of ISO 20022 messages and answers archived, as sent.");
        meter.CreateObservableCounter("corridor.message_archive.stored_bytes", () => gw.Messages?.StoredBytes ?? 0, "By",
            "Bytes those took in the archive (bodies of 16 KB or more compressed).");
        meter.CreateObservableGauge("corridor.message_archive.log_frames", () => gw.Messages?.LogFrames ?? 0, "{frame}",
            "Pages of 4 KiB in the archive's write-ahead log at the last checkpoint (started over past 65,536).");
        meter.CreateObservableCounter("corridor.message_archive.log_restarts", () => (long)(gw.Messages?.Restarts ?? 0),
            description: "Times the archive's write-ahead log was copied whole and started over.");
        meter.CreateObservableGauge("corridor.applied_sequence", () => Of(m => m.AppliedSequence), description: "Last batch applied.");
        meter.CreateObservableCounter("corridor.memory.fresh_pages.bytes", () => Corridor.Core.Engine.FreshPages.PopulatedBytes, "By",
            "Bytes of the engine's fresh memory faulted in ahead of its first writes by the process's corridor-pages thread (0 with CORRIDOR_FRESH_PAGES=off).");
        meter.CreateObservableCounter("corridor.engine.events", () => EventsByOperation(Node()), description: "Events (items) applied, by operation.");

        var figures = new EngineFigures(Node);
        meter.CreateObservableGauge("corridor.queued_payments", () => figures.Get().Queued, "{payment}", "Payments waiting in RTGS queues.");
        meter.CreateObservableGauge("corridor.liquidity_minor", () => figures.Get().Liquidity, description: "Sum of settlement account balances per ledger (minor units).");

        ReadModelHost? Rm() => gw.ReadModel;
        meter.CreateObservableGauge("corridor.read_model.sequence", () => Rm() is { } h ? [new Measurement<long>(h.ProjectedSequence)] : Array.Empty<Measurement<long>>(),
            description: "Last journal batch stored in the read model.");
        meter.CreateObservableGauge("corridor.read_model.lag_batches", () => Rm() is { } h ? [new Measurement<long>(h.LagBatches)] : Array.Empty<Measurement<long>>(),
            description: "Committed journal batches not yet in the read model.");
        meter.CreateObservableCounter("corridor.read_model.rows", () => Rm() is { } h ? [new Measurement<long>(h.RowsProjected)] : Array.Empty<Measurement<long>>(),
            description: "Rows (accounts, transfers, payments, statements) the projector wrote since start.");
        meter.CreateObservableGauge("corridor.read_model.rows_per_second", () => Rm() is { } h ? [new Measurement<double>(h.RowsPerSecond)] : Array.Empty<Measurement<double>>(),
            description: "Rows projected per second over the last second or more.");
        meter.CreateObservableGauge("corridor.read_model.up", () => Rm() is { } h ? [new Measurement<int>(h.Running ? 1 : 0)] : Array.Empty<Measurement<int>>(),
            description: "1 while the projector follows the journal, 0 after a failure until it recovers.");
        // Peer links (federation, docs/federation.md): what the outbox last saw of each peer.
        meter.CreateObservableGauge("corridor.federation.awaiting", () => gw.Links.PerPeer(s => s.Awaiting), "{payment}", "Cross-node payments waiting for the peer's answer.");
        meter.CreateObservableGauge("corridor.federation.link_up", () => gw.Links.PerPeer(s => s.LastError is null ? 1 : 0), description: "1 when the last exchange with the peer succeeded.");
        meter.CreateObservableGauge("corridor.federation.last_answer_age", () => gw.Links.PerPeer(s =>
            s.LastAnswerAtNs == 0 ? -1 : (Corridor.Storage.Node.NodeOptions.WallClockNs() - Math.Min(Corridor.Storage.Node.NodeOptions.WallClockNs(), s.LastAnswerAtNs)) / 1e9),
            "s", "Seconds since the peer last answered (-1: never).");
        meter.CreateObservableCounter("corridor.federation.pacs008_messages", () => gw.Links.PerPeerCount(s => s.Pacs008Messages), "{message}",
            "pacs.008 messages posted to the peer since start (first attempts travel in batches, retries alone).");
        meter.CreateObservableCounter("corridor.federation.pacs008_payments", () => gw.Links.PerPeerCount(s => s.Pacs008Payments), "{payment}",
            "Payments (transactions) those pacs.008 messages carried.");
        meter.CreateObservableCounter("corridor.federation.pacs009_messages", () => gw.Links.PerPeerCount(s => s.Pacs009Messages), "{message}",
            "pacs.009 messages (institution transfers) posted to the peer since start.");
        meter.CreateObservableCounter("corridor.federation.pacs009_payments", () => gw.Links.PerPeerCount(s => s.Pacs009Payments), "{payment}",
            "Institution transfers (transactions) those pacs.009 messages carried.");
        meter.CreateObservableCounter("corridor.federation.pacs028_messages", () => gw.Links.PerPeerCount(s => s.Pacs028Messages), "{message}",
            "pacs.028 status questions posted to the peer since start (retries of one round ask together).");
        meter.CreateObservableCounter("corridor.federation.pacs028_payments", () => gw.Links.PerPeerCount(s => s.Pacs028Payments), "{payment}",
            "Payments those status questions asked after.");
        meter.CreateObservableCounter("corridor.read_model.failures", () => Rm() is { } h ? [new Measurement<long>(h.Failures)] : Array.Empty<Measurement<long>>(),
            description: "Projector failures (each is retried from the stored position).");
    }

    private static IEnumerable<Measurement<long>> EventsByOperation(Node? node)
    {
        if (node is null) yield break;
        foreach (Operation op in Enum.GetValues<Operation>())
            if (op != Operation.None) yield return new Measurement<long>(node.Metrics.EventsOf(op), new KeyValuePair<string, object?>("operation", op.ToString()));
    }

    /// <summary>Figures only the engine thread may read, fetched with one query per scrape (reused for <see cref="EngineFiguresTtl"/>).</summary>
    private sealed class EngineFigures(Func<Node?> node)
    {
        private readonly Lock _lock = new();
        private (long Queued, Measurement<long>[] Liquidity) _last = (0, []);
        private DateTime _at = DateTime.MinValue;

        public (long Queued, Measurement<long>[] Liquidity) Get()
        {
            lock (_lock)
            {
                if (DateTime.UtcNow - _at < EngineFiguresTtl || node() is not { } n) return _last;
                // A scrape runs on its own request thread: waiting here for the engine's answer (bounded) blocks only the scrape.
                Task<(long, Measurement<long>[])> query = n.QueryAsync(e =>
                {
                    var sums = new SortedDictionary<uint, Int128>();
                    foreach (ParticipantInfo p in e.Settlement.GetParticipants())
                        foreach (SettlementAccountInfo a in p.Accounts)
                            sums[a.Ledger] = (sums.TryGetValue(a.Ledger, out Int128 s) ? s : 0) + a.BalanceMinor;
                    var liquidity = sums.Select(kv => new Measurement<long>((long)Int128.Clamp(kv.Value, long.MinValue, long.MaxValue),
                        new KeyValuePair<string, object?>("ledger", kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToArray();
                    return ((long)e.Settlement.QueuedCount, liquidity);
                });
                if (query.Wait(TimeSpan.FromSeconds(5))) { _last = query.Result; _at = DateTime.UtcNow; }
                return _last;
            }
        }
    }
}
