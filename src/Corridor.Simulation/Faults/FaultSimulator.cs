using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Corridor.Core.Engine;
using Corridor.Storage.Files;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;

namespace Corridor.Simulation.Faults;

/// <summary>How one seed ended.</summary>
public enum SeedOutcome
{
    /// <summary>Every check held after every step and every recovery.</summary>
    Passed,
    /// <summary>A fault destroyed acknowledged data and the node refused to start, naming the damage: the right answer.</summary>
    RefusedCorruption,
    /// <summary>
    /// Acknowledged batches at the journal's tail were destroyed by a fault (lost write, misdirected write, bit flip) and
    /// recovery took them for a torn tail: silent loss. With the commit record synced per batch this is a failure; without
    /// (the default) it is the journal's documented limit, reported apart (see <see cref="FaultSimulationOptions.SilentTailLossFails"/>).
    /// </summary>
    KnownSilentTailLoss,
    /// <summary>A check failed: a bug (the finding says which check, the trace how to get there).</summary>
    Failed,
}

/// <summary>A bug planted in the node's pipeline (<see cref="GroupCommit"/>) on purpose, to prove the fault simulator finds it.</summary>
public enum PipelineBug
{
    None,
    /// <summary>
    /// The journal step returns once the batch is written, before its fsync: the batch is applied and acknowledged while it
    /// lives only in the page cache (planted in the real <see cref="GroupCommit"/> through its internal test hook).
    /// </summary>
    AcknowledgeBeforeSync,
    /// <summary>Acknowledging a batch of several requests hands each the answer of the next one (an off-by-one in reply routing).</summary>
    MisroutedReplies,
}

/// <summary>Bounds of one seed: small, so thousands of seeds run in minutes.</summary>
public sealed record FaultSimulationOptions
{
    /// <summary>Client requests attempted per seed (retries included).</summary>
    public int Steps { get; init; } = 40;

    /// <summary>
    /// Puts a layer between the node and the simulated disk (null: none). Tests plant a bug there (a journal that
    /// acknowledges before its fsync) to prove the simulator finds it.
    /// </summary>
    public Func<IFileSystem, IFileSystem>? WrapFileSystem { get; init; }

    /// <summary>Most start attempts in a row that fail on I/O (fsync errors, a full disk) before the seed gives up.</summary>
    public int MaxStartAttempts { get; init; } = 20;

    /// <summary>A bug planted in the node's own pipeline steps (<see cref="GroupCommit"/>), to see the simulator catch it.</summary>
    public PipelineBug PlantedBug { get; init; } = PipelineBug.None;

    /// <summary>
    /// Treat <see cref="SeedOutcome.KnownSilentTailLoss"/> as a failure. Off by default: with
    /// <c>FileJournalOptions.SyncCommitRecord</c> off (the default) the journal documents that a power loss can leave its
    /// commit record behind, so a lost or damaged write of the batches it does not attest is taken for a torn tail. Seeds
    /// with <c>SyncCommitRecord</c> on fail on any silent loss regardless.
    /// </summary>
    public bool SilentTailLossFails { get; init; }
}

/// <summary>The result of one seed; <see cref="Trace"/> replays it step by step.</summary>
public sealed record SeedResult(
    ulong Seed, SeedOutcome Outcome, string? Finding, int Steps, int Restarts, int PowerLosses, long Batches,
    long AcknowledgedItems, int FaultsInjected, string TraceHash, IReadOnlyList<string> Trace)
{
    /// <summary>Times the process died between two steps of the node's pipeline (grouped, journaled, applied, acknowledged).</summary>
    public int PipelineCrashes { get; init; }
    /// <summary>Snapshots written after the engine had applied further batches (as the node's writer thread does).</summary>
    public int SnapshotsWrittenBehind { get; init; }
}

/// <summary>
/// Deterministic simulation testing of the storage stack, after TigerBeetle's VOPR: one seed chooses the workload, the
/// disk's faults (<see cref="SimulatedDisk"/>), the clock and where the process crashes or the power fails. The node is
/// driven in one thread, step by step, through the real <see cref="FileJournal"/>, <see cref="SnapshotStore"/>,
/// <see cref="NodeRecovery"/> and <see cref="Engine"/>, and through the node's own pipeline steps (<see cref="GroupCommit"/>,
/// the core <see cref="Node"/>'s sequencer and engine threads run): client requests wait in a queue, are grouped into
/// batches within the seed's bounds, journaled (written and synced), applied and only then acknowledged; the process may
/// die between any two of those steps as well as inside any disk operation. After every step and every restart it checks: every acknowledged item is
/// present exactly once (the recovered state's hash equals that of an in-memory reference engine that applied exactly
/// the acknowledged batches), every ledger balances, and a full replay of the journal gives the same hash as the
/// snapshot-based recovery. A node that refuses to start is right only when a fault damaged stored data.
/// </summary>
public static class FaultSimulator
{

    private const string Root = "/sim";
    private const string JournalDirectory = "/sim/data/journal";
    private const string SnapshotDirectory = "/sim/data/snapshots";
    private const ulong StartNs = 1_767_225_600_000_000_000; // 2026-01-01T00:00:00Z

    public static SeedResult Run(ulong seed, FaultSimulationOptions? options = null) => new SeedRun(seed, options ?? new FaultSimulationOptions()).Execute();

    /// <summary>The faults of a seed: each kind on or off, at a rate, so seeds cover them alone and together.</summary>
    internal static DiskFaults ChooseFaults(ref Xoshiro256 random)
    {
        double Maybe(ref Xoshiro256 r, double rate) => r.NextInt(3) == 0 ? rate * (0.5 + r.NextDouble()) : 0;
        bool damaging = random.NextInt(4) == 0;
        return new DiskFaults
        {
            UnsyncedWriteSurvives = random.NextDouble(),
            TornWrite = Maybe(ref random, 0.5),
            SyncError = Maybe(ref random, 0.02),
            NoSpace = Maybe(ref random, 0.01),
            CapacityBytes = random.NextInt(6) == 0 ? 8_192 + random.NextInt(65_536) : 0,
            LostWrite = damaging ? Maybe(ref random, 0.02) : 0,
            MisdirectedWrite = damaging ? Maybe(ref random, 0.02) : 0,
            BitFlip = damaging ? Maybe(ref random, 0.02) : 0,
        };
    }

    private sealed class SeedRun(ulong seed, FaultSimulationOptions options)
    {
        private Xoshiro256 _random = new(seed * 0x9E3779B97F4A7C15UL + 1);
        private SimulatedDisk _disk = null!;
        private SimulatedWorkload _workload = null!;
        private Engine _reference = new();
        private readonly List<SimulatedRequest> _requests = new();
        private readonly List<SimulatedRequest> _unanswered = new();
        private (long Sequence, ulong TimestampNs, byte[] Body, List<SimulatedRequest> Requests)? _uncertain;
        private FileJournal? _journal;
        private SnapshotStore? _snapshots;
        private Engine? _engine;
        private FileJournalOptions _journalOptions = null!;
        private NodeOptions _nodeOptions = null!;
        private double _crashRate;
        private long _eventsSinceSnapshot;
        private ulong _clockNs = StartNs;
        private int _restarts, _powerLosses;
        private bool _setupDone;
        private SimulatedRequest? _setup;
        /// <summary>Requests waiting for the node's sequencer (its queue, lost with the process).</summary>
        private readonly List<QueuedRequest> _queue = new();
        private double _stepCrashRate;
        private int _stepCrashes;
        /// <summary>
        /// The captured image the node's snapshot thread is still writing, and after how many more batches its write runs: the
        /// engine goes on applying batches (and changing the state the image was captured from) meanwhile, as in the node.
        /// </summary>
        private (Engine.EngineSnapshot Image, int BatchesLeft, string Why)? _writing;
        /// <summary>Its own stream, so the delays do not shift the seed's other draws.</summary>
        private Xoshiro256 _snapshotRandom = new(seed * 0x94D049BB133111EBUL + 11);
        private int _writtenBehind;

        private List<string> Trace => _disk.Events;

        public SeedResult Execute()
        {
            DiskFaults faults = ChooseFaults(ref _random);
            _disk = new SimulatedDisk(_random.NextUInt64(), faults, "/", Root);
            _workload = new SimulatedWorkload(ref _random);
            _crashRate = _random.NextInt(3) == 0 ? 0 : 0.002 + _random.NextDouble() * 0.02;
            _journalOptions = new FileJournalOptions
            {
                SegmentBytes = 1_024 + _random.NextInt(16_384), VerifyBodiesOnOpen = _random.NextInt(2) == 0, SyncCommitRecord = _random.NextInt(2) == 0,
            };
            _nodeOptions = new NodeOptions
            {
                SnapshotEveryEvents = 3 + _random.NextInt(40), Clock = () => _clockNs,
                // Small group-commit bounds, so the queue splits into several batches and a request may wait for the next.
                MaxRequestsPerBatch = 1 + _random.NextInt(4), MaxBatchBytes = 256 + _random.NextInt(4_096),
                // Incremental snapshots: a third of the seeds by the node's rule (a state this small gets only full ones), the
                // others with deltas up to the base's size or always (each a delta against the first full snapshot, its base).
                MaxDeltaFraction = (seed % 3) switch { 0 => Corridor.Core.Ledger.LedgerState.MaxDeltaFraction, 1 => 1.0, _ => double.PositiveInfinity },
                // Half the seeds apply every batch while its sync runs (the node does for large batches), half only once synced.
                ApplyWhileSyncingBytes = seed % 2 == 0 ? 0 : int.MaxValue,
            };
            _stepCrashRate = _random.NextInt(3) == 0 ? 0 : _random.NextDouble() * 0.05;
            Trace.Add($"seed {seed}: {faults}, crash per disk operation {_crashRate:0.####}, segment {_journalOptions.SegmentBytes} bytes, " +
                $"verify bodies on open {_journalOptions.VerifyBodiesOnOpen}, sync commit record {_journalOptions.SyncCommitRecord}, snapshot every {_nodeOptions.SnapshotEveryEvents} events (deltas up to {_nodeOptions.MaxDeltaFraction} of the base), " +
                $"batch ≤ {_nodeOptions.MaxRequestsPerBatch} requests and ≤ {_nodeOptions.MaxBatchBytes} bytes{(_nodeOptions.ApplyWhileSyncingBytes == 0 ? ", applied while synced" : "")}, crash between pipeline steps {_stepCrashRate:0.###}" +
                (options.PlantedBug == PipelineBug.None ? "" : $"; planted bug {options.PlantedBug}"));

            string? finding = null;
            SeedOutcome outcome = SeedOutcome.Passed;
            int step = 0;
            try
            {
                for (; step < options.Steps; step++)
                {
                    if (_engine is null)
                    {
                        (outcome, finding) = Start();
                        if (outcome != SeedOutcome.Passed || finding is not null) break;
                        if (_engine is null) { finding = null; outcome = SeedOutcome.Passed; Trace.Add("gave up starting: the disk keeps failing"); break; }
                    }
                    finding = DoStep(step);
                    if (finding is not null) { outcome = SeedOutcome.Failed; break; }
                }
                if (outcome == SeedOutcome.Passed && finding is null)
                {
                    // A last power loss and recovery: everything acknowledged must come back.
                    CrashNode(powerLoss: true, "final power loss");
                    (outcome, finding) = Start(final: true);
                }
            }
            catch (Exception e)
            {
                outcome = SeedOutcome.Failed;
                finding = $"unexpected {e.GetType().Name}: {e.Message}";
                Trace.Add(e.ToString());
            }
            if (outcome == SeedOutcome.KnownSilentTailLoss && options.SilentTailLossFails) outcome = SeedOutcome.Failed;
            if (finding is not null) Trace.Add($"FINDING ({outcome}): {finding}");
            _disk.CrashPerOperation = 0;
            try { _journal?.Dispose(); }
            catch (IOException) { } // the disk's last fault; the seed is over
            long acknowledged = 0;
            foreach (SimulatedRequest r in _requests) if (r.Acknowledged) acknowledged += r.ItemIds.Length;
            string traceHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', Trace))))[..16];
            return new SeedResult(seed, outcome, finding, step, _restarts, _powerLosses, _reference.Sequence, acknowledged,
                _disk.Damage.Count + CountFaultEvents(), traceHash, Trace) { PipelineCrashes = _stepCrashes, SnapshotsWrittenBehind = _writtenBehind };
        }

        private int CountFaultEvents()
        {
            int n = 0;
            foreach (string e in Trace) if (e.Contains("torn write", StringComparison.Ordinal) || e.StartsWith("fsync error", StringComparison.Ordinal) || e.StartsWith("disk full", StringComparison.Ordinal)) n++;
            return n;
        }

        /// <summary>Starts (recovers) the node and checks it against the reference; retries while the disk fails with I/O errors.</summary>
        private (SeedOutcome, string?) Start(bool final = false)
        {
            for (int attempt = 0; attempt < options.MaxStartAttempts; attempt++)
            {
                RecoveryInfo? info = null;
                _disk.CrashPerOperation = _crashRate / 4;
                try
                {
                    IFileSystem files = options.WrapFileSystem?.Invoke(_disk) ?? _disk;
                    _journal = FileJournal.Open(JournalDirectory, _journalOptions, files);
                    _snapshots = new SnapshotStore(SnapshotDirectory, files);
                    _engine = NodeRecovery.Recover(_nodeOptions, _journal, _snapshots, out info, out long replayedEvents);
                    _eventsSinceSnapshot = replayedEvents;
                    _restarts++;
                    Trace.Add($"started: {_journal.RecoveryReport}; snapshot {info.SnapshotSequence}, replayed {info.BatchesReplayed}" +
                        (_snapshots.LastRejected.Count > 0 ? $"; snapshots rejected: {string.Join("; ", _snapshots.LastRejected)}" : ""));
                }
                catch (SimulatedCrashException)
                {
                    CrashNode(powerLoss: _random.NextInt(2) == 0, "crash while starting");
                    continue;
                }
                catch (JournalCorruptException e)
                {
                    DropNode();
                    Trace.Add($"refused to start: {e.Message}");
                    return JournalDamaged()
                        ? (SeedOutcome.RefusedCorruption, null)
                        : (SeedOutcome.Failed, $"refused to start although no fault damaged stored journal data: {e.Message}");
                }
                catch (IOException e)
                {
                    CrashNode(powerLoss: false, $"start failed on I/O ({e.Message}); the operator restarts");
                    if (_disk.Faults.CapacityBytes > 0 && _disk.UsedBytes >= _disk.Faults.CapacityBytes * 9 / 10)
                        _disk.Faults = _disk.Faults with { CapacityBytes = _disk.Faults.CapacityBytes * 2 };
                    continue;
                }
                finally
                {
                    _disk.CrashPerOperation = 0; // the checks below are the simulator's, not the node's: no crash in them
                }
                (SeedOutcome, string?) checkedOutcome = CheckRecovered(info!, final);
                _disk.CrashPerOperation = _crashRate;
                return checkedOutcome;
            }
            return (SeedOutcome.Passed, null);
        }

        private string JournalDamageSummary()
        {
            var parts = new List<string>();
            foreach (string e in Trace)
                if (IsJournalWriteLoss(e) || (e.StartsWith("bit flip", StringComparison.Ordinal) && e.Contains(JournalDirectory, StringComparison.Ordinal))) parts.Add(e);
            return parts.Count == 0 ? "none" : string.Join("; ", parts);
        }

        /// <summary>
        /// Between the start before this one and this one, the disk lost (or misplaced) an fsync-acknowledged write of a
        /// segment and one of the commit record: the last batches and the record that attests them are both gone, and the
        /// journal left is shorter and consistent — nothing on one disk tells of it (the storage README's documented limit).
        /// </summary>
        private bool BatchAndItsCommitRecordLost()
        {
            bool record = false, segment = false, passedThisStart = false;
            for (int i = Trace.Count - 1; i >= 0; i--)
            {
                string e = Trace[i];
                if (e.StartsWith("started:", StringComparison.Ordinal))
                {
                    if (passedThisStart) break;
                    passedThisStart = true;
                    continue;
                }
                if (!IsJournalWriteLoss(e)) continue;
                if (e.Contains(FileJournal.CommitFileName, StringComparison.Ordinal)) record = true; else segment = true;
            }
            return record && segment;
        }

        /// <summary>A trace line of the disk losing or misplacing an fsync-acknowledged write of a journal file.</summary>
        private static bool IsJournalWriteLoss(string e) =>
            (e.StartsWith("lost write", StringComparison.Ordinal) || e.StartsWith("misdirected write", StringComparison.Ordinal))
            && e.Contains(JournalDirectory, StringComparison.Ordinal);

        private bool JournalDamaged()
        {
            foreach (string path in _disk.Damage.Keys) if (path.StartsWith(JournalDirectory, StringComparison.Ordinal)) return true;
            return false;
        }

        /// <summary>The recovered engine against the reference: nothing acknowledged lost, nothing twice, same hash, balanced, replay agrees.</summary>
        private (SeedOutcome, string?) CheckRecovered(RecoveryInfo info, bool final)
        {
            Engine engine = _engine!;
            long acknowledged = _reference.Sequence;
            if (_uncertain is { } u && engine.Sequence == u.Sequence && acknowledged == u.Sequence - 1)
            {
                // The batch whose append failed did reach the disk: it is applied now, so its answers count from here.
                _reference.Apply(u.Sequence, u.TimestampNs, u.Body, null);
                Trace.Add($"batch {u.Sequence}, never acknowledged, survived the crash: its items count as acknowledged now");
                foreach (SimulatedRequest r in u.Requests) _unanswered.Remove(r);
                AcknowledgeFromReplay(engine, u.Requests);
                acknowledged = u.Sequence;
            }
            _uncertain = null;
            if (engine.Sequence < acknowledged)
            {
                string loss = $"recovered to batch {engine.Sequence} but batches up to {acknowledged} were acknowledged: {acknowledged - engine.Sequence} acknowledged batches silently lost ({_journal!.RecoveryReport})";
                loss += $"; damage to the journal: {JournalDamageSummary()}";
                // Documented limit (src/Corridor.Storage/README.md): without SyncCommitRecord a power loss may leave the
                // commit record behind, and damage confined to the batches it does not attest is taken for a torn write.
                if (JournalDamaged() && !_journalOptions.SyncCommitRecord) return (SeedOutcome.KnownSilentTailLoss, loss);
                // With it, the same limit when the disk lost both the batch's write and the commit record's after
                // acknowledging their fsyncs: what is left is a shorter journal that passes every check.
                if (BatchAndItsCommitRecordLost()) return (SeedOutcome.KnownSilentTailLoss, loss + "; the disk lost both a batch's write and the commit record's since the start before");
                return (SeedOutcome.Failed, loss);
            }
            if (engine.Sequence > acknowledged)
                return (SeedOutcome.Failed, $"recovered to batch {engine.Sequence}, beyond anything written ({acknowledged} acknowledged)");
            foreach (SimulatedRequest r in _requests)
            {
                if (!r.Acknowledged) continue;
                for (int i = 0; i < r.ItemIds.Length; i++)
                {
                    if (!r.Ok[i]) continue;
                    string? missing = SimulatedWorkload.FindItem(engine, r, i);
                    if (missing is not null)
                        return (SeedOutcome.Failed, $"acknowledged {r.Kind} item lost after recovery: {missing} (the reference engine {(SimulatedWorkload.FindItem(_reference, r, i) is null ? "has it" : "lacks it too")})");
                }
            }
            string recovered = engine.StateHashHex();
            string expected = _reference.StateHashHex();
            if (recovered != expected)
                return (SeedOutcome.Failed, $"state hash after recovery {recovered} differs from the reference {expected} at batch {engine.Sequence}");
            string? balance = SimulatedWorkload.CheckBalances(engine);
            if (balance is not null) return (SeedOutcome.Failed, "after recovery: " + balance);
            // Replay from the first batch, ignoring snapshots, must give the same state: at the last recovery, and at a
            // third of the others that started from a snapshot (an engine costs megabytes; seeds must stay cheap).
            if (!final && (info.SnapshotSequence == 0 || _random.NextInt(3) != 0)) return (SeedOutcome.Passed, null);
            var replay = new Engine();
            try
            {
                foreach (JournalBatch batch in _journal!.Read(0)) replay.Apply(batch.Sequence, batch.TimestampNs, batch.Body, null);
            }
            catch (JournalCorruptException e)
            {
                // Bodies before the snapshot are hashed when read (VerifyBodiesOnOpen off): damage there shows here.
                Trace.Add($"full replay refused: {e.Message}");
                return JournalDamaged()
                    ? (SeedOutcome.RefusedCorruption, null)
                    : (SeedOutcome.Failed, $"full replay found corruption although no fault damaged stored journal data: {e.Message}");
            }
            if (replay.StateHashHex() != recovered)
                return (SeedOutcome.Failed, $"full journal replay gives state {replay.StateHashHex()} at batch {replay.Sequence}, the snapshot-based recovery {recovered} at batch {engine.Sequence}");
            return (SeedOutcome.Passed, null);
        }

        /// <summary>Answers of a batch that only turned out durable at recovery: replayed on a copy of the state before it.</summary>
        private void AcknowledgeFromReplay(Engine recovered, List<SimulatedRequest> requests)
        {
            foreach (SimulatedRequest r in requests)
            {
                r.Acknowledged = true;
                r.Ok = new bool[r.ItemIds.Length];
                for (int i = 0; i < r.ItemIds.Length; i++) r.Ok[i] = SimulatedWorkload.FindItem(recovered, r, i) is null;
            }
        }

        private string? DoStep(int step)
        {
            _clockNs += (ulong)(1 + _random.NextInt(5_000)) * 1_000_000;
            if (_random.NextInt(50) == 0) _clockNs -= Math.Min(_clockNs - StartNs, 2_000_000_000UL); // the wall clock steps back
            _disk.MaybeFlipBit();

            int action = _random.NextInt(100);
            if (action < 4) { CrashNode(powerLoss: true, $"step {step}: power loss"); return null; }
            if (action < 7) { CrashNode(powerLoss: false, $"step {step}: process killed"); return null; }
            if (action < 9) return Stop(step);

            // The clients: 1–3 requests join the node's queue (a retry of one whose answer was lost, or a new one); the setup
            // goes first until a batch holding it is acknowledged.
            if (!_setupDone) _queue.Add(new QueuedRequest(_setup = _workload.Setup()));
            int n = 1 + _random.NextInt(3);
            for (int i = 0; i < n; i++)
            {
                if (_unanswered.Count > 0 && _random.NextInt(2) == 0)
                {
                    SimulatedRequest retry = _unanswered[0];
                    _unanswered.RemoveAt(0);
                    _queue.Add(new QueuedRequest(retry with { })); // the same command and ids, a new request
                }
                else _queue.Add(new QueuedRequest(_workload.Next(ref _random)));
            }
            // The sequencer: group commits of what waits, within the seed's bounds, each stepped through the node's pipeline.
            while (_queue.Count > 0 && _engine is not null)
            {
                string? finding = Commit(step);
                if (finding is not null) return finding;
            }
            return null;
        }

        /// <summary>A client request in the node's queue, as the pipeline sees it (its commands, already encoded).</summary>
        private sealed class QueuedRequest(SimulatedRequest request) : IPipelineRequest
        {
            public SimulatedRequest Request { get; } = request;
            public int EncodedBytes => Request.Command.Length;
            public int Commands => Request.CommandCount;
            public int Write(Span<byte> destination)
            {
                Request.Command.CopyTo(destination);
                return Request.Command.Length;
            }
        }

        /// <summary>
        /// One group commit through the node's own pipeline steps (<see cref="GroupCommit"/>, as <see cref="Node"/>'s threads
        /// run them): grouped from the queue, journaled (written and synced — the disk may crash inside), applied, acknowledged;
        /// or, as the node does for a batch of <see cref="NodeOptions.ApplyWhileSyncingBytes"/> or more, written, applied, then
        /// synced (the disk may fail the sync of a batch already applied) and acknowledged. The process may die between any two
        /// steps. What was answered must survive; what was not may come back or not.
        /// </summary>
        private string? Commit(int step)
        {
            int cursor = 1;
            CommitBatch<QueuedRequest> batch = GroupCommit.Group(_nodeOptions, _queue[0], (out QueuedRequest? next) =>
            {
                next = cursor < _queue.Count ? _queue[cursor++] : null;
                return next is not null;
            }, out _, Planted);
            _queue.RemoveRange(0, batch.Requests.Count); // the request that did not fit (if any) now opens the queue
            var requests = batch.Requests.Select(q => q.Request).ToList();
            long sequence = _journal!.LastSequence + 1;
            Trace.Add($"step {step}: batch {sequence} at {_clockNs}: {Describe(requests)}{(_queue.Count > 0 ? $" ({_queue.Count} more waiting)" : "")}");
            if (CrashBetweenSteps($"batch {sequence} grouped, not journaled"))
            {
                batch.Release();
                Unanswered(requests);
                return null;
            }
            bool split = batch.Bytes >= _nodeOptions.ApplyWhileSyncingBytes;
            try
            {
                if (split) GroupCommit.Write(_journal, _nodeOptions.Clock, batch);
                else GroupCommit.Journal(_journal, _nodeOptions.Clock, batch);
            }
            catch (Exception e) when (e is IOException or SimulatedCrashException)
            {
                _uncertain = (sequence, _clockNs, batch.Body.ToArray(), requests);
                batch.Release();
                Unanswered(requests);
                CrashNode(powerLoss: e is SimulatedCrashException && _random.NextInt(2) == 0, $"append of batch {sequence} failed ({e.Message}): the node stops, nothing of the batch was answered");
                return null;
            }
            if (CrashBetweenSteps($"batch {sequence} {(split ? "written" : "journaled")}, not applied"))
            {
                _uncertain = (batch.Sequence, batch.TimestampNs, batch.Body.ToArray(), requests);
                batch.Release();
                Unanswered(requests);
                return null;
            }
            var replies = new List<CommandReply>();
            GroupCommit.Apply(_engine!, batch, replies);
            if (split)
            {
                if (CrashBetweenSteps($"batch {sequence} applied, not synced"))
                {
                    _uncertain = (batch.Sequence, batch.TimestampNs, batch.Body.ToArray(), requests);
                    batch.Release();
                    Unanswered(requests);
                    return null;
                }
                try
                {
                    GroupCommit.Sync(_journal, batch);
                }
                catch (Exception e) when (e is IOException or SimulatedCrashException)
                {
                    // The engine holds the batch, the disk may not: the node stops without answering it, its state discarded.
                    _uncertain = (batch.Sequence, batch.TimestampNs, batch.Body.ToArray(), requests);
                    batch.Release();
                    Unanswered(requests);
                    CrashNode(powerLoss: e is SimulatedCrashException && _random.NextInt(2) == 0, $"sync of batch {sequence}, applied, failed ({e.Message}): the node stops, nothing of the batch was answered");
                    return null;
                }
            }
            if (CrashBetweenSteps($"batch {sequence} applied, not acknowledged"))
            {
                _uncertain = (batch.Sequence, batch.TimestampNs, batch.Body.ToArray(), requests);
                batch.Release();
                Unanswered(requests);
                return null;
            }
            var answers = new List<CommandReply>(requests.Count);
            GroupCommit.Acknowledge(batch, replies, answers);
            var expected = new List<CommandReply>();
            _reference.Apply(batch.Sequence, batch.TimestampNs, batch.Body, expected);
            batch.Release();
            _setupDone = true; // the setup is first in the queue until acknowledged, so in the first batch acknowledged
            int reply = 0;
            for (int k = 0; k < requests.Count; k++)
            {
                SimulatedRequest r = requests[k];
                reply += r.CommandCount;
                // Each client must get the engine's answer to its own command (the reference engine's reply to it, found
                // here by counting commands, independently of the pipeline's routing).
                string? wrong = SimulatedWorkload.WrongAnswer(answers[k], expected[reply - 1]);
                if (wrong is not null) return $"batch {sequence}: request {k + 1} of {requests.Count} ({r.Kind}×{r.ItemIds.Length}) was answered {wrong}";
                r.Acknowledged = true;
                r.Ok = new bool[r.ItemIds.Length];
                Array.Fill(r.Ok, true);
                foreach (ItemResult e in answers[k].Errors) if (e.Index < r.Ok.Length) r.Ok[e.Index] = false;
                _eventsSinceSnapshot += Math.Max(1, r.ItemIds.Length);
                _requests.Add(r);
            }
            string? balance = SimulatedWorkload.CheckBalances(_engine!);
            if (balance is not null) return $"after batch {sequence}: {balance}";
            if (_writing is { } w && !WriteBehind(w)) return null;
            if (_writing is null && _eventsSinceSnapshot >= _nodeOptions.SnapshotEveryEvents) TakeSnapshot("threshold");
            return null;
        }

        private PlantedPipelineBug Planted => options.PlantedBug switch
        {
            PipelineBug.AcknowledgeBeforeSync => PlantedPipelineBug.AcknowledgeBeforeSync,
            PipelineBug.MisroutedReplies => PlantedPipelineBug.MisroutedReplies,
            _ => PlantedPipelineBug.None,
        };

        /// <summary>The process dies between two steps of the pipeline (a kill or a power loss), at the seed's rate.</summary>
        private bool CrashBetweenSteps(string where)
        {
            if (_stepCrashRate <= 0 || _random.NextDouble() >= _stepCrashRate) return false;
            bool powerLoss = _random.NextInt(2) == 0;
            _stepCrashes++;
            CrashNode(powerLoss, $"{(powerLoss ? "power lost" : "process killed")} with {where}");
            return true;
        }

        /// <summary>The requests of a batch never answered are sent again later by their clients (the setup anew).</summary>
        private void Unanswered(List<SimulatedRequest> batch)
        {
            foreach (SimulatedRequest r in batch) { _requests.Add(r); if (r != _setup) _unanswered.Add(r); }
        }

        private string? Stop(int step)
        {
            Trace.Add($"step {step}: planned stop");
            // As Node.Dispose: the snapshot being written finishes first, then one of the state at the stop.
            if (_writing is { } w && !WriteSnapshot(w.Image, w.Why, behind: true)) return null;
            if (_eventsSinceSnapshot > 0 && !TakeSnapshot("stop", stopping: true)) return null;
            try
            {
                _journal?.Dispose();
            }
            catch (Exception e) when (e is IOException or SimulatedCrashException)
            {
                CrashNode(powerLoss: e is SimulatedCrashException && _random.NextInt(2) == 0, $"closing the journal failed ({e.Message})");
                return null;
            }
            DropNode();
            _disk.Crash(powerLoss: false); // the process exits: its handles close
            return null;
        }

        /// <summary>
        /// As the node's engine thread: captures the state (the ledger frozen copy-on-write) and hands it to the snapshot thread,
        /// which writes it now or after up to three more batches have changed the state (drawn), never two at a time. At a
        /// planned stop the image is written at once (Node.Dispose). A failed write stops the node (its batches are durable).
        /// </summary>
        private bool TakeSnapshot(string why, bool stopping = false)
        {
            Engine.EngineSnapshot image;
            try
            {
                // Incremental as the node's: a delta against the last full snapshot while the store holds it (see Node.Capture).
                bool incremental = _engine!.SnapshotBaseFile is { } baseFile && _snapshots!.Holds(baseFile);
                image = _engine.CaptureSnapshot(incremental, _nodeOptions.MaxDeltaFraction);
            }
            catch (Exception e) when (e is IOException or SimulatedCrashException)
            {
                CrashNode(powerLoss: e is SimulatedCrashException && _random.NextInt(2) == 0, $"snapshot failed ({e.Message}): the node stops");
                return false;
            }
            _eventsSinceSnapshot = 0;
            int delay = stopping ? 0 : _snapshotRandom.NextInt(4);
            if (delay == 0) return WriteSnapshot(image, why, behind: false);
            _writing = (image, delay, why);
            Trace.Add($"snapshot of batch {image.Sequence} captured ({why}); written after {delay} more batches");
            return true;
        }

        /// <summary>After a batch applied: the snapshot thread's write, once its batches have passed.</summary>
        private bool WriteBehind((Engine.EngineSnapshot Image, int BatchesLeft, string Why) w)
        {
            if (w.BatchesLeft > 1) { _writing = w with { BatchesLeft = w.BatchesLeft - 1 }; return true; }
            return WriteSnapshot(w.Image, w.Why, behind: true);
        }

        private bool WriteSnapshot(Engine.EngineSnapshot image, string why, bool behind)
        {
            _writing = null;
            try
            {
                try { image.Written(_snapshots!.Write(image.Sequence, image.WriteTo, image.BaseFile)); }
                finally { image.Release(); }
                if (behind) _writtenBehind++;
                Trace.Add($"snapshot at batch {image.Sequence} ({why}){(behind ? $", written at batch {_engine!.Sequence}" : "")}{(image.IsDelta ? $", a delta against batch {image.BaseFile!.Value.Sequence}" : "")}");
                return true;
            }
            catch (Exception e) when (e is IOException or SimulatedCrashException)
            {
                CrashNode(powerLoss: e is SimulatedCrashException && _random.NextInt(2) == 0, $"snapshot failed ({e.Message}): the node stops");
                return false;
            }
        }

        private void CrashNode(bool powerLoss, string why)
        {
            Trace.Add(why);
            DropNode();
            if (powerLoss) _powerLosses++;
            _disk.Crash(powerLoss);
            if (_disk.Faults.CapacityBytes > 0 && _disk.UsedBytes >= _disk.Faults.CapacityBytes * 9 / 10)
            {
                _disk.Faults = _disk.Faults with { CapacityBytes = _disk.Faults.CapacityBytes * 2 };
                Trace.Add($"the operator grows the disk to {_disk.Faults.CapacityBytes} bytes");
            }
        }

        /// <summary>Forgets the process's objects (handles die with the process; the disk's crash invalidates them).</summary>
        private void DropNode()
        {
            // The queue dies with the process: its requests were never answered; their clients send them again (the setup anew).
            foreach (QueuedRequest q in _queue) if (q.Request != _setup) _unanswered.Add(q.Request);
            _queue.Clear();
            _writing?.Image.Release(); // the snapshot thread dies with the process, its file unfinished
            _writing = null;
            _journal = null;
            _snapshots = null;
            _engine = null;
        }

        private static string Describe(List<SimulatedRequest> batch)
        {
            var sb = new StringBuilder();
            foreach (SimulatedRequest r in batch)
            {
                if (sb.Length > 0) sb.Append(", ");
                sb.Append(r.Kind).Append('×').Append(r.ItemIds.Length);
                if (r.ItemIds.Length > 0) sb.Append(" [").Append(r.ItemIds[0]).Append(r.ItemIds.Length > 1 ? "…" : "").Append(']');
            }
            return sb.ToString();
        }
    }

    /// <summary>
    /// Runs seeds <paramref name="firstSeed"/> .. +<paramref name="count"/> on every core (each seed is deterministic on its
    /// own; results are reported in seed order). With <paramref name="stopAtFailure"/>, seeds after a failing one may be skipped.
    /// </summary>
    public static FaultSimulationSummary RunMany(ulong firstSeed, int count, FaultSimulationOptions? options = null, bool stopAtFailure = false, Action<SeedResult>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var results = new SeedResult?[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, (i, loop) =>
        {
            SeedResult r = Run(firstSeed + (ulong)i, options);
            results[i] = r;
            if (stopAtFailure && r.Outcome == SeedOutcome.Failed) loop.Stop();
        });
        var failures = new List<SeedResult>();
        var known = new List<SeedResult>();
        int passed = 0, refused = 0, run = 0, restarts = 0, powerLosses = 0, faults = 0;
        long batches = 0, items = 0, pipelineCrashes = 0, writtenBehind = 0;
        foreach (SeedResult? r in results)
        {
            if (r is null) continue;
            run++;
            pipelineCrashes += r.PipelineCrashes;
            writtenBehind += r.SnapshotsWrittenBehind;
            restarts += r.Restarts;
            powerLosses += r.PowerLosses;
            batches += r.Batches;
            items += r.AcknowledgedItems;
            faults += r.FaultsInjected;
            switch (r.Outcome)
            {
                case SeedOutcome.Passed: passed++; break;
                case SeedOutcome.RefusedCorruption: refused++; break;
                case SeedOutcome.KnownSilentTailLoss: known.Add(r); break;
                default: failures.Add(r); break;
            }
            progress?.Invoke(r);
        }
        return new FaultSimulationSummary(firstSeed, run, passed, refused, known.Count, failures.Count, restarts, powerLosses, faults, batches, items,
            clock.Elapsed.TotalSeconds, failures, known) { PipelineCrashes = pipelineCrashes, SnapshotsWrittenBehind = writtenBehind };
    }
}

/// <summary>What a run of many seeds found.</summary>
public sealed record FaultSimulationSummary(
    ulong FirstSeed, int Seeds, int Passed, int RefusedCorruption, int KnownSilentTailLoss, int Failed, int Restarts, int PowerLosses,
    int FaultsInjected, long AcknowledgedBatches, long AcknowledgedItems, double Seconds, IReadOnlyList<SeedResult> Failures, IReadOnlyList<SeedResult> KnownFindings)
{
    /// <summary>Times the process died between two steps of the node's pipeline, over all seeds.</summary>
    public long PipelineCrashes { get; init; }
    /// <summary>Snapshots written after the engine had applied further batches since their capture.</summary>
    public long SnapshotsWrittenBehind { get; init; }
}
