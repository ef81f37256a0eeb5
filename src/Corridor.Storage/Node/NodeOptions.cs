namespace Corridor.Storage.Node;

/// <summary>Bounds and knobs of a node's write pipeline. Defaults suit a 2-core machine with an SSD.</summary>
public sealed class NodeOptions
{
    /// <summary>Most requests waiting for the sequencer; beyond it clients get "busy" (HTTP 503).</summary>
    public int QueueCapacity { get; init; } = 4_096;

    /// <summary>Largest journal batch (group commit); larger batches amortise the fsync.</summary>
    public int MaxBatchBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Most requests merged into one journal batch.</summary>
    public int MaxRequestsPerBatch { get; init; } = 8_192;

    /// <summary>Durable batches waiting for the engine; lets journal writes overlap engine work.</summary>
    public int PipelineDepth { get; init; } = 4;

    /// <summary>
    /// A batch of at least this many bytes is handed to the engine as soon as it is written, and applied while the journal
    /// syncs it (its replies still wait for the sync, and nothing reads the engine meanwhile); a smaller one only once synced.
    /// Applying a batch of 100 payments takes about as long as its fdatasync, so overlapping the two shortens each request's
    /// wait; a small batch applies in microseconds, and handing it over early only costs the engine a second wake-up
    /// (docs/performance.md, "Applying a batch while it syncs"). 0: every batch; <see cref="int.MaxValue"/>: none.
    /// </summary>
    public int ApplyWhileSyncingBytes { get; init; } = 32 * 1024;

    /// <summary>Take a snapshot after this many applied events (0 = never, except on stop).</summary>
    public long SnapshotEveryEvents { get; init; } = 50_000_000;

    public bool SnapshotOnStop { get; init; } = true;

    /// <summary>
    /// A standby whose start spent at least this many seconds replaying the journal writes a snapshot of its replica as soon
    /// as it has caught up, so that its next start — after a crash, or after it took over and failed in turn — restores that
    /// instead of replaying it all again (0 = never: only every <see cref="SnapshotEveryEvents"/>). A shorter replay is not
    /// worth the snapshot's writing (the whole state, on the disk the active node may be committing to). A standby otherwise
    /// takes snapshots as a node does, every <see cref="SnapshotEveryEvents"/> events it applied.
    /// </summary>
    public double StandbySnapshotAfterReplaySeconds { get; init; } = 5;

    /// <summary>
    /// Snapshots after the first full one may be deltas against it (only the ledger chunks changed since; the rule and the
    /// file formats: src/Corridor.Storage/README.md, "Incremental snapshots"). Off: every snapshot is full.
    /// </summary>
    public bool IncrementalSnapshots { get; init; } = true;

    /// <summary>A delta is written only when it comes to at most this fraction of its base (else a full snapshot, the next base).</summary>
    public double MaxDeltaFraction { get; init; } = Corridor.Core.Ledger.LedgerState.MaxDeltaFraction;

    /// <summary>Capacity hints that avoid rehashing while loading large ledgers.</summary>
    public int AccountCapacity { get; init; }
    public int TransferCapacity { get; init; }

    /// <summary>Source of batch timestamps (ns since Unix epoch). The only clock in the system.</summary>
    public Func<ulong> Clock { get; init; } = WallClockNs;

    public static ulong WallClockNs() => (ulong)(DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
