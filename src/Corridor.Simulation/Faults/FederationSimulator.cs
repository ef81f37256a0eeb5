using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Federation;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using Corridor.Link;
using Party = Corridor.Core.Exchange.Party;
using Corridor.Storage.Files;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;
using Corridor.Storage.ReadModel;
using Microsoft.Data.Sqlite;

namespace Corridor.Simulation.Faults;

/// <summary>A bug planted on purpose, to prove the federation simulator finds it.</summary>
public enum FederationBug
{
    None,
    /// <summary>
    /// The source's link voids a payment on its own once its expiry T has passed without an answer (the protocol forbids it):
    /// planted in the real <see cref="LinkOutbox"/> through its internal test hook, which the node cannot reach.
    /// </summary>
    SourceVoidsAfterTimeout,
    /// <summary>
    /// The destination answers a pacs.008 from its engine before the command is in its journal (the protocol says journal, then
    /// answer): planted in the node under the real <see cref="LinkEndpoint"/> — its submit applies without journaling, the
    /// simulator journals after the answer left (or the node dies first).
    /// </summary>
    DestinationAnswersBeforeJournal,
    /// <summary>
    /// The node's pipeline acknowledges a batch once written, before its fsync (<see cref="GroupCommit"/>'s planted
    /// <c>AcknowledgeBeforeSync</c>, as in <c>corridor simulate faults</c>): a power loss then loses answered batches.
    /// </summary>
    AcknowledgeBeforeSync,
    /// <summary>
    /// The node's pipeline hands each request of a batch of several the answer of the next one (<see cref="GroupCommit"/>'s
    /// planted <c>MisroutedReplies</c>): clients and the link's own commands get another request's reply.
    /// </summary>
    MisroutedReplies,
}

/// <summary>Bounds of one federation seed.</summary>
public sealed record FederationSimulationOptions
{
    /// <summary>Steps of the faulty phase (each advances the clock 1–300 ms); then the network heals and the nodes drain.</summary>
    public int Steps { get; init; } = 150;

    /// <summary>Most steps after healing before a payment still unresolved is a finding (liveness).</summary>
    public int MaxDrainSteps { get; init; } = 2_000;

    public FederationBug PlantedBug { get; init; } = FederationBug.None;

    /// <summary>Most start attempts in a row that fail on I/O before the seed gives up.</summary>
    public int MaxStartAttempts { get; init; } = 20;

    /// <summary>
    /// Share of seeds (0 … 1) whose nodes also run the read-model projector into a SQLite file (in the system's temporary
    /// directory, on the real disk: it dies with the node's process, not with its power).
    /// </summary>
    public double ReadModelShare { get; init; } = 0.25;
}

/// <summary>The result of one federation seed; <see cref="Trace"/> replays it step by step.</summary>
public sealed record FederationSeedResult(
    ulong Seed, SeedOutcome Outcome, string? Finding, int Steps, int Restarts, int PowerLosses, int PaymentsSent, int SettledBothSides,
    int RefusedBothSides, int RefusedAtSource, int MessagesSent, int MessagesDropped, int MessagesDuplicated, int Partitions, string TraceHash,
    IReadOnlyList<string> Trace)
{
    /// <summary>Payments refused by the destination, by ISO 20022 reason (AB05 expired, AM04 liquidity, AM09 amount, AGNT payee, CURR quote).</summary>
    public IReadOnlyDictionary<string, int> RefusedByReason { get; init; } = new Dictionary<string, int>();

    /// <summary>Times a node's read model was caught up and compared with its engine (0: the projector was off in this seed).</summary>
    public int ReadModelChecks { get; init; }

    /// <summary>Power losses that took the read model back to an earlier committed state, and the projected batches they took.</summary>
    public int ReadModelRollbacks { get; init; }
    public long ReadModelBatchesLost { get; init; }

    /// <summary>Institution transfers (pacs.009, op 405) the payer banks sent, and those settled on both nodes.</summary>
    public int InstitutionSent { get; init; }
    public int InstitutionSettled { get; init; }

    /// <summary>Status questions (pacs.028) the sources asked, those about several payments, and the payments they asked after.</summary>
    public int StatusQuestions { get; init; }
    public int MultiPaymentStatusQuestions { get; init; }
    public int StatusQuestionPayments { get; init; }

    /// <summary>ExpireUnknown commands (op 404) the destinations journaled with several items (one multi-payment question).</summary>
    public int MultiItemExpireUnknown { get; init; }

    /// <summary>Group commits of several queued requests (<see cref="GroupCommit"/>), and the requests they held.</summary>
    public int GroupedBatches { get; init; }
    public int GroupedRequests { get; init; }

    /// <summary>Group commits holding both a client's request and a command of the link (peer payments, answers, status questions).</summary>
    public int MixedBatches { get; init; }

    /// <summary>Times a node's process died between two steps of its pipeline (grouped, journaled, applied, acknowledged).</summary>
    public int PipelineCrashes { get; init; }

    /// <summary>Snapshots written after their node had applied further batches since the capture.</summary>
    public int SnapshotsWrittenBehind { get; init; }

    /// <summary>Crashes at each named crash point (<see cref="LinkPoints"/>, the server's <c>CORRIDOR_CRASH_AT</c> steps), every point listed.</summary>
    public IReadOnlyDictionary<string, int> CrashesAt { get; init; } = new Dictionary<string, int>();
}

/// <summary>What a run of many federation seeds found.</summary>
public sealed record FederationSimulationSummary(
    ulong FirstSeed, int Seeds, int Passed, int Failed, int Restarts, int PowerLosses, long PaymentsSent, long SettledBothSides, long RefusedBothSides,
    long RefusedAtSource, long MessagesSent, long MessagesDropped, long MessagesDuplicated, long Partitions, double Seconds, IReadOnlyList<FederationSeedResult> Failures)
{
    /// <summary>Payments refused by the destination over all seeds, by ISO 20022 reason.</summary>
    public IReadOnlyDictionary<string, long> RefusedByReason { get; init; } = new Dictionary<string, long>();

    /// <summary>Seeds that ran the read-model projector, and the read-model checks they made.</summary>
    public int ReadModelSeeds { get; init; }
    public long ReadModelChecks { get; init; }
    public long ReadModelRollbacks { get; init; }
    public long ReadModelBatchesLost { get; init; }

    /// <summary>Institution transfers sent and settled on both nodes, over all seeds.</summary>
    public long InstitutionSent { get; init; }
    public long InstitutionSettled { get; init; }

    /// <summary>Status questions asked, those about several payments, payments asked after, multi-item ExpireUnknown commands.</summary>
    public long StatusQuestions { get; init; }
    public long MultiPaymentStatusQuestions { get; init; }
    public long StatusQuestionPayments { get; init; }
    public long MultiItemExpireUnknown { get; init; }

    /// <summary>Group commits of several queued requests, and the requests they held, over all seeds.</summary>
    public long GroupedBatches { get; init; }
    public long GroupedRequests { get; init; }

    /// <summary>Group commits holding both a client's request and a command of the link, over all seeds.</summary>
    public long MixedBatches { get; init; }

    /// <summary>Times a node's process died between two steps of its pipeline, over all seeds.</summary>
    public long PipelineCrashes { get; init; }

    /// <summary>Snapshots written after their node had applied further batches since the capture, over all seeds.</summary>
    public long SnapshotsWrittenBehind { get; init; }

    /// <summary>Crashes at each named crash point over all seeds (every point listed, in protocol order).</summary>
    public IReadOnlyDictionary<string, long> CrashesAt { get; init; } = new Dictionary<string, long>();
}

/// <summary>
/// Deterministic simulation of two federated nodes (docs/federation.md, ../shared/design/FEDERATION.md) from one seed: node A
/// (RUB) and node B (CNY), each with its own <see cref="SimulatedDisk"/>, real <see cref="FileJournal"/>, <see cref="SnapshotStore"/>,
/// <see cref="NodeRecovery"/> and <see cref="Engine"/>; each is a source (its payer bank sends to the other node's payee through
/// the FX provider) and a destination. Between them a <see cref="SimulatedNetwork"/> drops, duplicates, delays, reorders and
/// partitions the real ISO 20022 messages (pacs.008 and pacs.009 batches and alone, pacs.028 about one payment or several,
/// pacs.002; built and parsed — with XSD validation — by <see cref="Iso20022Codec"/> and <see cref="CrossNodeMapping"/>). A
/// third of the payer requests are institution transfers (op 405, pacs.009, op 406 on the destination). The link is the
/// node's own code (src/Corridor.Link), the classes the server's <c>PeerEndpoint</c> and <c>PeerOutbox</c> drive over HTTPS:
/// the destination's side is <see cref="LinkEndpoint"/> (op 402 for a pacs.008, op 406 for a pacs.009, one op 404 command for
/// the unknown payments of a pacs.028 before answering), the source's <see cref="LinkOutbox"/> and <see cref="LinkExchange"/>
/// (first attempts in batches of one kind, retries with back-off asking together with one pacs.028 of up to the batch size and
/// sending the never-received ones again in one message per kind, op 403 for the answers, never voiding on its own); here
/// they run on a simulated clock, disk and network instead of threads, timers and HTTPS. The link's commands share each
/// node's queue with the clients' requests and are group-committed with them (<see cref="GroupCommit"/>); every answer is
/// compared with a reference engine's reply. Either node crashes, or loses power, at random steps, inside disk operations and
/// at the server's named crash points (<see cref="LinkPoints"/>), and restarts through its real recovery.
/// Expiry is judged by each node's own clock (the clocks are skewed).
/// After every step: each ledger balances on each node; no cross-node payment is settled on one side and not the other (the
/// source posts only what the destination settled, voids only what it refused); the destination answers the same forever.
/// After every restart: everything acknowledged is there exactly once (the state hash equals a reference engine that applied
/// exactly the acknowledged batches) and a full journal replay gives the same hash. At the end the network heals, every payment
/// must be resolved on both sides, alike, and the FX provider's positions on the two nodes must agree with the settled payments.
/// </summary>
public static class FederationSimulator
{

    private const ulong StartNs = 1_796_428_800_000_000_000; // 2026-12-05T00:00:00Z
    private const ulong MsNs = 1_000_000, SecondNs = 1_000_000_000;
    private const ulong CentralBank = 1, Payer = 11, Provider = 13, Payee = 22;
    private const uint PeerOfA = 7, PeerOfB = 3; // B's id in A's registry, A's id in B's registry

    /// <summary>Thrown by a node's <see cref="ILinkNode"/> when the node died under the link (its process is gone, nothing answered).</summary>
    private sealed class NodeGoneException() : Exception("the node is gone");

    public static FederationSeedResult Run(ulong seed, FederationSimulationOptions? options = null) => new SeedRun(seed, options ?? new FederationSimulationOptions()).Execute();

    /// <summary>Runs seeds <paramref name="firstSeed"/> .. +<paramref name="count"/> on every core; results in seed order.</summary>
    public static FederationSimulationSummary RunMany(ulong firstSeed, int count, FederationSimulationOptions? options = null, bool stopAtFailure = false,
        Action<FederationSeedResult>? progress = null)
    {
        Iso20022Codec.Warm();
        var clock = Stopwatch.StartNew();
        var results = new FederationSeedResult?[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, (i, loop) =>
        {
            FederationSeedResult r = Run(firstSeed + (ulong)i, options);
            results[i] = r;
            if (stopAtFailure && r.Outcome == SeedOutcome.Failed) loop.Stop();
        });
        var failures = new List<FederationSeedResult>();
        int run = 0, passed = 0, restarts = 0, powerLosses = 0;
        long sent = 0, settled = 0, refused = 0, refusedAtSource = 0, messages = 0, dropped = 0, duplicated = 0, partitions = 0;
        var reasons = new SortedDictionary<string, long>(StringComparer.Ordinal);
        int readModelSeeds = 0;
        long readModelRollbacks = 0, readModelLost = 0;
        long readModelChecks = 0, institutionSent = 0, institutionSettled = 0, questions = 0, multiQuestions = 0, questionPayments = 0, multiExpire = 0, grouped = 0, groupedRequests = 0, mixed = 0, pipelineCrashes = 0, writtenBehind = 0;
        var crashesAt = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (LinkPoint point in LinkPoints.All) crashesAt[LinkPoints.Name(point)] = 0;
        foreach (FederationSeedResult? r in results)
        {
            if (r is null) continue;
            run++;
            if (r.Outcome == SeedOutcome.Failed) failures.Add(r); else passed++;
            restarts += r.Restarts; powerLosses += r.PowerLosses; sent += r.PaymentsSent; settled += r.SettledBothSides; refused += r.RefusedBothSides;
            refusedAtSource += r.RefusedAtSource; messages += r.MessagesSent; dropped += r.MessagesDropped; duplicated += r.MessagesDuplicated; partitions += r.Partitions;
            foreach (var (reason, n) in r.RefusedByReason) reasons[reason] = reasons.GetValueOrDefault(reason) + n;
            if (r.ReadModelChecks > 0) readModelSeeds++;
            readModelChecks += r.ReadModelChecks;
            readModelRollbacks += r.ReadModelRollbacks;
            readModelLost += r.ReadModelBatchesLost;
            institutionSent += r.InstitutionSent; institutionSettled += r.InstitutionSettled;
            questions += r.StatusQuestions; multiQuestions += r.MultiPaymentStatusQuestions; questionPayments += r.StatusQuestionPayments; multiExpire += r.MultiItemExpireUnknown;
            grouped += r.GroupedBatches; groupedRequests += r.GroupedRequests; mixed += r.MixedBatches; pipelineCrashes += r.PipelineCrashes; writtenBehind += r.SnapshotsWrittenBehind;
            foreach (var (point, n) in r.CrashesAt) crashesAt[point] += n;
            progress?.Invoke(r);
        }
        return new FederationSimulationSummary(firstSeed, run, passed, failures.Count, restarts, powerLosses, sent, settled, refused, refusedAtSource,
            messages, dropped, duplicated, partitions, clock.Elapsed.TotalSeconds, failures)
        {
            RefusedByReason = reasons, ReadModelSeeds = readModelSeeds, ReadModelChecks = readModelChecks, ReadModelRollbacks = readModelRollbacks, ReadModelBatchesLost = readModelLost,
            InstitutionSent = institutionSent, InstitutionSettled = institutionSettled, StatusQuestions = questions,
            MultiPaymentStatusQuestions = multiQuestions, StatusQuestionPayments = questionPayments, MultiItemExpireUnknown = multiExpire,
            GroupedBatches = grouped, GroupedRequests = groupedRequests, MixedBatches = mixed, CrashesAt = crashesAt, PipelineCrashes = pipelineCrashes, SnapshotsWrittenBehind = writtenBehind,
        };
    }

    /// <summary>Thrown inside a seed when a check fails: the finding ends the seed.</summary>
    private sealed class FindingException(string finding) : Exception(finding);

    /// <summary>
    /// A request of the payer bank's client: payments of one kind sent in one command (op 401, or op 405 for institution
    /// transfers), retried with the same ids when unanswered.
    /// </summary>
    private sealed record PayerRequest(SendToPeer[] Payments)
    {
        public bool Institution => Payments[0].Terms.Kind == CrossNodeKind.Institution;
    }

    /// <summary>
    /// One exchange of the source's link (<see cref="LinkExchange"/>) in flight on the simulated network: the request now waiting
    /// for its answer (<see cref="Part"/>: 0 the first, then one more per request sent) and when it times out.
    /// </summary>
    private sealed class SimExchange(long id, LinkExchange x)
    {
        public long Id { get; } = id;
        public LinkExchange X { get; } = x;
        public int Part { get; set; } = -1;
        public long DeadlineMs { get; set; }
    }

    /// <summary>One node: its disk, the running process's objects (null while down), the reference of what it acknowledged.</summary>
    private sealed class SimNode
    {
        public required int Index { get; init; }
        public required string Name { get; init; }
        public required string Currency { get; init; }
        public required uint Ledger { get; init; }
        public required uint PeerId { get; init; }           // the other node's id in this node's registry
        public required UInt128 InboundQuote { get; init; }   // the provider's quote here for payments from the other node
        public required FxRate InboundRate { get; init; }
        public required long ProviderLiquidityMinor { get; init; }
        public required string[] Bics { get; init; }          // payer, provider, payee
        public required SimulatedDisk Disk { get; init; }
        public required FileJournalOptions JournalOptions { get; init; }
        public required int SnapshotEveryEvents { get; init; }
        public required long SkewMs { get; init; }
        public FileJournal? Journal;
        public SnapshotStore? Snapshots;
        public Engine? Engine;
        public Engine Reference = new();
        public (long Sequence, ulong TimestampNs, byte[] Body)? Uncertain;
        public long EventsSinceSnapshot;
        /// <summary>The image the node's snapshot thread is still writing, and after how many more steps (its batches go on meanwhile).</summary>
        public (Engine.EngineSnapshot Image, int StepsLeft)? Writing;
        public int Incarnation;
        public long DownUntilMs;
        public int DiskEventsSeen;
        public long NextExchange;
        /// <summary>
        /// The node under the link (its journal, engine and clock) for the running process — a new one at every start, so that
        /// what an earlier process awaited never acts on a later one — and the link's source side while the node runs.
        /// </summary>
        public SeedRun.SimLinkNode LinkNode = null!;
        /// <summary>The node's pipeline bounds (small, per seed: 1–4 requests, 4–68 KB per batch) and clock.</summary>
        public NodeOptions PipelineOptions = null!;
        /// <summary>Requests waiting for the node's sequencer (lost with the process: their clients get no answer).</summary>
        public readonly List<SeedRun.QueuedCommand> Queue = new();
        public LinkOutbox? Link;
        public readonly Dictionary<long, SimExchange> Exchanges = new();
        /// <summary>Final answers this node gave as destination, by UETR: it must answer the same forever.</summary>
        public readonly Dictionary<string, CrossNodeStatus> Answered = new(StringComparer.Ordinal);
        /// <summary>Payments this node's payer client had acknowledged as accepted (its engine must keep them).</summary>
        public readonly List<UInt128> AcceptedPayments = new();
        public readonly List<PayerRequest> Unanswered = new();
        public string? ReadModelPath;
        /// <summary>
        /// The read model's committed states a power loss may leave (SQLite in WAL mode with synchronous=NORMAL syncs its
        /// WAL only at a checkpoint, which the simulator's small read models never reach): a copy after each catch-up, with
        /// the batch it stands at; a power loss brings back one of them, or none (the file's creation not synced either).
        /// </summary>
        public readonly List<(SqliteConnection Copy, long Batch)> ReadModelImages = new();
        public SqliteReadModel? ReadModel;
        public Projector? Projector;
        public bool Up => Engine is not null;
        public string Uetr(int n) => $"{Index:x2}5e1c0d-{(n >> 12) & 0xffff:x4}-4{n & 0xfff:x3}-a{Index:x3}-{(ulong)n * 2654435761UL & 0xffffffffffffUL:x12}";
        public UInt128 AccountOf(ulong participant) => ((UInt128)Ledger << 32) | participant;
    }

    private sealed class SeedRun(ulong seed, FederationSimulationOptions options)
    {
        private Xoshiro256 _random = new(seed * 0xD1B54A32D192ED03UL + 7);
        private readonly List<string> _trace = new();
        private SimNode[] _nodes = null!;
        private SimulatedNetwork _network = null!;
        private long _nowMs;
        private double _crashPerStep, _crashPerDiskOperation, _crashAtPoint;
        /// <summary>The crash point this seed crashes at often (one passage in five), or null.</summary>
        private LinkPoint? _focusPoint;
        private readonly int[] _crashesAt = new int[LinkPoints.All.Count];
        /// <summary>The seed's one thread of continuations: what the link and the clients await resumes here, in order (<see cref="Settle"/>).</summary>
        private readonly SeedContext _context = new();
        /// <summary>Flows of the link and of clients that await their node (their exceptions are the seed's: a finding ends it).</summary>
        private readonly List<Task> _flows = new();
        private int _batchSize, _maxRetryMs;
        private int _restarts, _powerLosses, _nextPayment;
        private bool _faultsOn = true;
        private double _officerPerStep, _dayStepPerStep;
        private int _readModelChecks, _readModelRollbacks;
        private long _readModelBatchesLost;
        private int _questions, _multiQuestions, _questionPayments, _multiExpire, _groupedBatches, _groupedRequests, _mixedBatches, _pipelineCrashes;
        private double _crashBetweenSteps; // a node's process dies between two steps of its pipeline, per group commit
        /// <summary>Delays of snapshot writes: a stream of their own, so they do not shift the seed's other draws.</summary>
        private Xoshiro256 _snapshotRandom = new(seed * 0x94D049BB133111EBUL + 11);
        /// <summary>
        /// In a quarter of the seeds (a stream of its own, drawn once), the link loses a payment batch's first send this often,
        /// its connection reset: the source sees the error at once and asks (pacs.028) at its next retry about payments the
        /// destination never saw — the way to the destination's status-question journal step (ExpireUnknown) and its crash
        /// points while faults are on; random drops alone reach them a few times per hundred seeds, as a dropped request's
        /// source waits out its 10 s timeout first.
        /// </summary>
        private readonly double _firstSendLoss = new Xoshiro256(seed * 0xBF58476D1CE4E5B9UL + 13).NextInt(4) == 0 ? 0.3 : 0;
        private Xoshiro256 _lossRandom = new(seed * 0xBF58476D1CE4E5B9UL + 17);
        private int _snapshotsWrittenBehind;
        private long _messageIds;

        /// <summary>A name on both nodes' watch list: a payment naming it is held for the compliance officer of the node that screens it.</summary>
        private const string ListedName = "Zephyr Quantum Holdings";

        public FederationSeedResult Execute()
        {
            string? finding = null;
            int step = 0;
            SynchronizationContext? outer = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(_context);
            try
            {
                Setup();
                for (; step < options.Steps; step++) Step(step, faulty: true);
                Drain(step);
                FinalCheck();
            }
            catch (FindingException e) { finding = e.Message; }
            catch (Exception e)
            {
                finding = $"unexpected {e.GetType().Name}: {e.Message}";
                Log(e.ToString());
            }
            finally { SynchronizationContext.SetSynchronizationContext(outer); }
            FlushDiskEvents();
            SeedOutcome outcome = finding is null ? SeedOutcome.Passed : SeedOutcome.Failed;
            if (finding is not null) Log($"FINDING (Failed) at {_nowMs} ms: {finding}");
            foreach (SimNode n in _nodes ?? [])
            {
                n.Disk.CrashPerOperation = 0;
                try { n.Journal?.Dispose(); } catch (IOException) { }
                n.ReadModel?.Dispose();
                if (n.ReadModelPath is { } path) foreach (string suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
                foreach (var (image, _) in n.ReadModelImages) image.Dispose();
            }
            int sent = 0, settled = 0, refused = 0, refusedAtSource = 0, institutionSent = 0, institutionSettled = 0;
            var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (SimNode n in _nodes ?? [])
            {
                Engine? e = n.Engine ?? n.Reference;
                foreach (CrossNodePayment p in e.Federation.Payments)
                {
                    if (p.Role != CrossNodeRole.Outbound) continue;
                    sent++;
                    if (p.Terms.Kind == CrossNodeKind.Institution) { institutionSent++; if (p.Status == CrossNodeStatus.Settled) institutionSettled++; }
                    if (p.Status == CrossNodeStatus.Settled) settled++;
                    else if (p.Status == CrossNodeStatus.Refused && p.PeerReasonCode.Length > 0)
                    {
                        refused++;
                        reasons[p.PeerReasonCode] = reasons.GetValueOrDefault(p.PeerReasonCode) + 1;
                    }
                    else if (p.Status == CrossNodeStatus.Refused) refusedAtSource++;
                }
            }
            string traceHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', _trace))))[..16];
            return new FederationSeedResult(seed, outcome, finding, step, _restarts, _powerLosses, sent, settled, refused, refusedAtSource,
                _network?.Sent ?? 0, _network?.Dropped ?? 0, _network?.Duplicated ?? 0, _network?.Partitions ?? 0, traceHash, _trace) 
            {
                RefusedByReason = reasons, ReadModelChecks = _readModelChecks, ReadModelRollbacks = _readModelRollbacks, ReadModelBatchesLost = _readModelBatchesLost, InstitutionSent = institutionSent, InstitutionSettled = institutionSettled,
                StatusQuestions = _questions, MultiPaymentStatusQuestions = _multiQuestions, StatusQuestionPayments = _questionPayments, MultiItemExpireUnknown = _multiExpire,
                GroupedBatches = _groupedBatches, GroupedRequests = _groupedRequests, MixedBatches = _mixedBatches, PipelineCrashes = _pipelineCrashes, SnapshotsWrittenBehind = _snapshotsWrittenBehind,
                CrashesAt = LinkPoints.All.ToDictionary(LinkPoints.Name, p => _crashesAt[(int)p], StringComparer.Ordinal),
            };
        }

        // ───────────────────────────── the world ─────────────────────────────

        private void Setup()
        {
            double Maybe(double rate) => _random.NextInt(3) == 0 ? 0 : rate * (0.5 + _random.NextDouble());
            var network = new NetworkFaults
            {
                Drop = Maybe(0.15), Duplicate = Maybe(0.15), MaxDelayMs = 1 + _random.NextInt(_random.NextInt(4) == 0 ? 3_000 : 200),
                PartitionPerStep = Maybe(0.02), MaxPartitionMs = 1_000 + _random.NextInt(40_000),
            };
            _officerPerStep = 0.01 + _random.NextDouble() * 0.1;
            _dayStepPerStep = _random.NextInt(3) != 0 ? 0 : 0.002 + _random.NextDouble() * 0.01; // ×5 once past the customer cut-off
            _network = new SimulatedNetwork(network, Log);
            _crashPerStep = _random.NextInt(4) == 0 ? 0 : 0.002 + _random.NextDouble() * 0.02;
            _crashPerDiskOperation = _random.NextInt(3) == 0 ? 0 : _random.NextDouble() * 0.004;
            // The named crash points (the server's CORRIDOR_CRASH_AT steps): rarely at each, often at one chosen per seed.
            _crashAtPoint = _random.NextInt(3) == 0 ? 0 : _random.NextDouble() * 0.02;
            _focusPoint = _random.NextInt(4) == 0 ? null : LinkPoints.All[_random.NextInt(LinkPoints.All.Count)];
            _batchSize = _random.NextInt(3) == 0 ? 1 : 2 + _random.NextInt(63);
            _maxRetryMs = _random.NextInt(2) == 0 ? 2_000 : 500 + _random.NextInt(30_000);
            _crashBetweenSteps = _random.NextInt(3) == 0 ? 0 : _random.NextDouble() * 0.01;
            _nodes = [MakeNode(0), MakeNode(1)];
            foreach (SimNode n in _nodes)
            {
                n.LinkNode = new SimLinkNode(this, n, n.Incarnation); // no process yet: each start makes its own
                // Small group-commit bounds, so the requests waiting together split into batches of several and one may wait for the next.
                n.PipelineOptions = new NodeOptions
                {
                    SnapshotEveryEvents = n.SnapshotEveryEvents, MaxRequestsPerBatch = 1 + _random.NextInt(4), MaxBatchBytes = 4_096 + _random.NextInt(65_536), Clock = () => ClockNs(n),
                };
            }
            if (_random.NextDouble() < options.ReadModelShare)
                foreach (SimNode n in _nodes) n.ReadModelPath = Path.Combine(Path.GetTempPath(), $"corridor-fedsim-{seed}-{n.Name}-{Guid.NewGuid():N}.db");
            Log($"seed {seed}: network {network}{(_firstSendLoss > 0 ? $", first sends of payment batches lost {_firstSendLoss}" : "")}; crash per step {_crashPerStep:0.####}, per disk operation {_crashPerDiskOperation:0.####}, " +
                $"at each named crash point {_crashAtPoint:0.####}{(_focusPoint is { } focus ? $", at {LinkPoints.Name(focus)} 0.2" : "")}; read-model projector {(_nodes[0].ReadModelPath is null ? "off" : "on")}; batch ≤ {_batchSize}, retry back-off ≤ {_maxRetryMs} ms; compliance officer decides per step {_officerPerStep:0.###}, operating day moves on per step {_dayStepPerStep:0.###}; planted bug {options.PlantedBug}");
            foreach (SimNode n in _nodes)
            {
                Log($"node {n.Name} ({n.Currency}): disk {n.Disk.Faults}, segment {n.JournalOptions.SegmentBytes} bytes, sync commit record {n.JournalOptions.SyncCommitRecord}, " +
                    $"snapshot every {n.SnapshotEveryEvents} events, clock skew {n.SkewMs} ms, provider liquidity {n.ProviderLiquidityMinor}, " +
                    $"batch ≤ {n.PipelineOptions.MaxRequestsPerBatch} requests and ≤ {n.PipelineOptions.MaxBatchBytes} bytes");
                // The world is set up on a perfect disk; the faults start once the operators have registered everything.
                DiskFaults faults = n.Disk.Faults;
                n.Disk.Faults = DiskFaults.None with { UnsyncedWriteSurvives = faults.UnsyncedWriteSurvives };
                StartNode(n, final: false);
                if (!n.Up) throw new FindingException($"node {n.Name} did not start on an empty disk");
                List<CommandReply> replies = Submit(n, WorldOf(n), "setup: participants, ledger, accounts, day, liquidity, peer, quote", allowCrash: false)
                    ?? throw new FindingException($"node {n.Name}: setup batch failed on a perfect disk");
                foreach (CommandReply r in replies)
                    if (!r.AllOk) throw new FindingException($"node {n.Name}: setup {r.Operation} refused: {string.Join(",", r.Errors)}");
                n.Disk.Faults = faults;
                n.Disk.CrashPerOperation = _crashPerDiskOperation;
            }
        }

        private SimNode MakeNode(int index)
        {
            double Maybe(double rate) => _random.NextInt(3) == 0 ? rate * (0.5 + _random.NextDouble()) : 0;
            var faults = new DiskFaults
            {
                UnsyncedWriteSurvives = _random.NextDouble(), TornWrite = Maybe(0.5), SyncError = Maybe(0.02), NoSpace = Maybe(0.01),
            };
            string root = index == 0 ? "/a" : "/b";
            return new SimNode
            {
                Index = index, Name = index == 0 ? "A" : "B", Currency = index == 0 ? "RUB" : "CNY", Ledger = index == 0 ? 643u : 156u,
                PeerId = index == 0 ? PeerOfA : PeerOfB, InboundQuote = index == 0 ? (UInt128)0xA0 : 0xB0,
                // A quotes CNY → RUB at 12.7; B quotes RUB → CNY at 0.0785.
                InboundRate = index == 0 ? new FxRate(127, 10) : new FxRate(785, 10_000),
                ProviderLiquidityMinor = index == 0 ? 200_000_00 + _random.NextInt(2_000_000_00) : 2_000_00 + _random.NextInt(20_000_00),
                Bics = index == 0 ? ["PAYRRUMM", "FXPRRUMM", "PAYERUMM"] : ["PAYRCNBJ", "FXPRCNBJ", "PAYECNBJ"],
                Disk = new SimulatedDisk(_random.NextUInt64(), faults, "/", root),
                JournalOptions = new FileJournalOptions
                {
                    SegmentBytes = 4_096 + _random.NextInt(32_768), VerifyBodiesOnOpen = _random.NextInt(2) == 0, SyncCommitRecord = _random.NextInt(2) == 0,
                },
                SnapshotEveryEvents = 5 + _random.NextInt(60),
                SkewMs = _random.NextInt(4_001) - 2_000,
            };
        }

        private SimNode Other(SimNode n) => _nodes[1 - n.Index];

        private byte[] WorldOf(SimNode n)
        {
            SimNode other = Other(n);
            ulong now = ClockNs(n);
            var parts = new List<byte[]>
            {
                SettlementCodec.EncodeCommand(new SetSettlementOptions(SettlementOptions.Current)),
                SettlementCodec.EncodeCommand(new RegisterParticipant(CentralBank, ParticipantRole.CentralBank, "Central bank " + n.Currency)),
                SettlementCodec.EncodeCommand(new RegisterLedger(n.Ledger, CentralBank, (UInt128)n.Ledger * 1000 + 1, (UInt128)n.Ledger * 1000 + 2, n.Currency)),
            };
            ulong[] banks = [Payer, Provider, Payee];
            for (int i = 0; i < banks.Length; i++)
            {
                parts.Add(SettlementCodec.EncodeCommand(new RegisterParticipant(banks[i], ParticipantRole.DirectParticipant, "Bank " + n.Bics[i], n.Bics[i])));
                parts.Add(SettlementCodec.EncodeCommand(new OpenSettlementAccount(banks[i], n.Ledger, n.AccountOf(banks[i]))));
            }
            parts.Add(SettlementCodec.EncodeCommand(new OpenBusinessDay(20261205)));
            parts.Add(SettlementCodec.EncodeCommand(new MoveLiquidity(0x71, Payer, n.Ledger, 10_000_000_00, LiquidityDirection.Inject)));
            parts.Add(SettlementCodec.EncodeCommand(new MoveLiquidity(0x72, Provider, n.Ledger, n.ProviderLiquidityMinor, LiquidityDirection.Inject)));
            parts.Add(ExchangeCommands.Encode(Operation.RegisterPeer, new RegisterPeer(n.PeerId, "Node " + other.Name, $"https://node-{other.Name.ToLowerInvariant()}.example:7430",
                new string(other.Index == 0 ? 'a' : 'b', 64), PeerStatus.Active)));
            parts.Add(ExchangeCommands.Encode(Operation.LoadWatchList, new LoadWatchList(CentralBank, "sanctions", WatchListFormat.Csv, "2026-12",
                $"id,kind,name,aliases,countries,dates_of_birth,program\nX-1,entity,{ListedName},,,,TEST\n")));
            long maxSource = n.Index == 0 ? 10_000_00 : 100_000_00; // in the other node's currency
            parts.Add(ExchangeCommands.Encode(Operation.PublishQuote, new PublishQuote(n.InboundQuote, Provider, other.Currency, n.Currency, n.InboundRate, 1_00, maxSource,
                now - 3600 * SecondNs, now + 20 * 3600 * SecondNs, 0, n.AccountOf(Provider), 60)));
            return SimulatedWorkload.Concat(parts);
        }

        private ulong ClockNs(SimNode n) => StartNs + (ulong)(_nowMs + n.SkewMs + 10_000) * MsNs;

        // ───────────────────────────── steps ─────────────────────────────

        private void Step(int step, bool faulty)
        {
            _nowMs += 1 + _random.NextInt(300);
            Log($"step {step} at {_nowMs} ms");
            if (faulty) _network.MaybePartition(ref _random, _nowMs);
            foreach (SimNode n in _nodes)
                if (!n.Up && _nowMs >= n.DownUntilMs) StartNode(n, final: false);
            if (faulty)
            {
                foreach (SimNode n in _nodes)
                {
                    if (!n.Up || _random.NextDouble() >= _crashPerStep) continue;
                    bool powerLoss = _random.NextInt(2) == 0;
                    Crash(n, powerLoss, $"{n.Name}: {(powerLoss ? "power lost" : "process killed")} at step {step}");
                }
                if (_random.NextInt(100) < 35)
                {
                    // The payer bank's requests (1–3 at once) wait in the node's queue with the officer's and operator's below.
                    SimNode payerNode = _nodes[_random.NextInt(2)];
                    int requests = 1 + _random.NextInt(3);
                    for (int i = 0; i < requests && payerNode.Up; i++) PayerSends(payerNode, retryOnly: false);
                }
            }
            else
                foreach (SimNode n in _nodes) // the payer banks' last retries
                    for (int i = 0; i < 3 && n.Up && n.Unanswered.Count > 0; i++) PayerSends(n, retryOnly: true);
            foreach (SimNode n in _nodes) if (n.Up && (!faulty || _random.NextDouble() < _officerPerStep)) OfficerDecides(n);
            foreach (SimNode n in _nodes)
                if (n.Up && faulty && _random.NextDouble() < _dayStepPerStep * (n.Engine!.Settlement.Phase == DayPhase.Open ? 1 : 5)) DayMovesOn(n);
            // The peers' messages arrive: their commands join each node's queue behind the clients' requests, as on a real node.
            foreach (NetworkMessage m in _network.Due(_nowMs)) Deliver(m);
            Settle(); // the sequencers: group commits of everything waiting, then what awaited them (answers, decisions)
            foreach (SimNode n in _nodes) if (n.Up) Outbox(n);
            Settle();
            foreach (SimNode n in _nodes) if (n.Up && n.Writing is { } w) WriteBehind(n, w);
            foreach (SimNode n in _nodes) if (n.Up && n.Writing is null && n.EventsSinceSnapshot >= n.SnapshotEveryEvents) TakeSnapshot(n);
            foreach (SimNode n in _nodes) if (n.Projector is not null && _random.NextInt(8) == 0) Project(n);
            FlushDiskEvents();
            CheckLive();
        }

        /// <summary>
        /// Runs the nodes' sequencers and what awaited them until nothing waits: each node's queue is committed in group commits
        /// (<see cref="Flush"/>: clients' requests and the link's commands together, in the order they arrived), then the
        /// continuations of the flows that awaited those answers run, in order, on this thread (they may queue more).
        /// </summary>
        private void Settle()
        {
            while (true)
            {
                foreach (SimNode n in _nodes) if (n.Up) Flush(n);
                bool ran = false;
                while (_context.RunOne()) ran = true;
                Observe();
                if (!ran && _nodes.All(n => !n.Up || n.Queue.Count == 0)) break;
            }
            if (_flows.Count > 0) throw new InvalidOperationException($"simulator: {_flows.Count} flow(s) still await a node with nothing queued");
        }

        /// <summary>A flow that awaits its node (a client's request, a peer's message, an exchange's decisions): watched until it ends.</summary>
        private void Spawn(Task flow)
        {
            _flows.Add(flow);
            Observe();
        }

        /// <summary>Forgets the flows that ended; a flow's exception (a finding) ends the seed.</summary>
        private void Observe()
        {
            for (int i = 0; i < _flows.Count; i++)
            {
                if (!_flows[i].IsCompleted) continue;
                Task done = _flows[i];
                _flows.RemoveAt(i--);
                done.GetAwaiter().GetResult();
            }
        }

        /// <summary>
        /// The seed's synchronization context: an awaited answer's continuation is queued here and run by <see cref="Settle"/>
        /// on the seed's thread, in the order posted — so flows interleave exactly as the seed says, never on the thread pool.
        /// </summary>
        private sealed class SeedContext : SynchronizationContext
        {
            private readonly Queue<(SendOrPostCallback Callback, object? State)> _posted = new();
            public override void Post(SendOrPostCallback d, object? state) => _posted.Enqueue((d, state));
            public override void Send(SendOrPostCallback d, object? state) => d(state);
            public override SynchronizationContext CreateCopy() => this;

            public bool RunOne()
            {
                if (!_posted.TryDequeue(out var next)) return false;
                next.Callback(next.State);
                return true;
            }
        }

        /// <summary>The network heals, crashes stop; the links run until nothing waits (liveness), then a last power loss of both.</summary>
        private void Drain(int step)
        {
            _faultsOn = false;
            _network.Heal();
            foreach (SimNode n in _nodes)
            {
                n.Disk.CrashPerOperation = 0;
                n.Disk.Faults = DiskFaults.None with { UnsyncedWriteSurvives = n.Disk.Faults.UnsyncedWriteSurvives };
                n.DownUntilMs = Math.Min(n.DownUntilMs, _nowMs);
            }
            Log($"heal at {_nowMs} ms: no more losses, partitions or crashes");
            for (int i = 0; i < options.MaxDrainSteps; i++)
            {
                Step(step + i, faulty: false);
                if (Quiet()) { Log($"quiet at {_nowMs} ms after {i + 1} drain steps"); break; }
            }
            if (!Quiet())
            {
                var open = new List<string>();
                foreach (SimNode n in _nodes)
                    foreach (CrossNodePayment p in n.Engine!.Federation.AwaitingPeer()) open.Add($"{n.Name} {p.Terms.Uetr}");
                throw new FindingException($"not resolved {options.MaxDrainSteps} steps after the network healed: {string.Join(", ", open.Take(5))}" +
                    $" ({open.Count} awaiting, {_network.InFlight} messages in flight)");
            }
        }

        private bool Quiet()
        {
            foreach (SimNode n in _nodes)
            {
                if (!n.Up || n.Exchanges.Count > 0 || n.Unanswered.Count > 0) return false;
                foreach (CrossNodePayment _ in n.Engine!.Federation.AwaitingPeer()) return false;
                foreach (CrossNodePayment p in n.Engine.Federation.Payments) if (p.Status == CrossNodeStatus.Held) return false;
            }
            return _network.InFlight == 0;
        }

        // ───────────────────────────── the payer bank's client ─────────────────────────────

        private void PayerSends(SimNode n, bool retryOnly)
        {
            PayerRequest request;
            if (n.Unanswered.Count > 0 && (retryOnly || _random.NextInt(2) == 0))
            {
                request = n.Unanswered[0];
                n.Unanswered.RemoveAt(0);
                Log($"  {n.Name} payer: sends again {request.Payments.Length} payment(s) whose answer was lost");
            }
            else
            {
                int count = 1 + _random.NextInt(3);
                bool institution = _random.NextInt(3) == 0; // a third of the requests are institution transfers (pacs.009)
                var payments = new SendToPeer[count];
                for (int i = 0; i < count; i++) payments[i] = NewPayment(n, institution);
                request = new PayerRequest(payments);
            }
            var sb = new StringBuilder();
            foreach (SendToPeer s in request.Payments) sb.Append(' ').Append(s.Terms.Uetr).Append(' ').Append(s.Terms.SourceAmountMinor).Append(n.Currency).Append(" T+").Append(s.ExpirySeconds).Append('s');
            byte[] body = request.Institution
                ? ExchangeCommands.Encode(Operation.SendInstitutionToPeer, request.Payments.Select(s => new SendInstitutionToPeer(s)).ToArray())
                : ExchangeCommands.Encode(Operation.SendToPeer, request.Payments);
            Spawn(PayerRequestAsync(n, request, body, (request.Institution ? "op 405 SendInstitutionToPeer" : "op 401 SendToPeer") + sb));
        }

        /// <summary>
        /// The payer bank's request through the node's send endpoint, with its crash points: checked, queued (grouped with what
        /// else waits, the link's commands included), journaled, answered.
        /// </summary>
        private async Task PayerRequestAsync(SimNode n, PayerRequest request, byte[] body, string what)
        {
            SimLinkNode node = n.LinkNode;
            CommandReply answer;
            try
            {
                node.Reached(LinkPoint.SourceBeforeJournalSend);
                answer = await node.CommitAsync(body, what);
                node.Reached(LinkPoint.SourceAfterJournalSend);
            }
            catch (NodeGoneException)
            {
                PayerAnswered(n, request, null);
                return;
            }
            PayerAnswered(n, request, answer);
        }

        /// <summary>The payer bank's request was answered (or not: null, the node died with it queued or in a failed batch).</summary>
        private void PayerAnswered(SimNode n, PayerRequest request, CommandReply? answer)
        {
            if (answer is null)
            {
                // The payer's HTTP request got no answer: its bank sends the same payments again later (same ids, same content).
                n.Unanswered.Add(request);
                return;
            }
            var results = ResultsOf(answer, request.Payments.Length);
            for (int i = 0; i < results.Length; i++)
            {
                if (results[i] is FederationResult.Ok or FederationResult.HeldForCompliance) n.AcceptedPayments.Add(request.Payments[i].PaymentId);
                if (results[i] == FederationResult.HeldForCompliance) Log($"  {n.Name} payer: {request.Payments[i].Terms.Uetr} held at the source for its compliance officer");
                else if (results[i] != FederationResult.Ok) Log($"  {n.Name} payer: {request.Payments[i].Terms.Uetr} refused at the source: {results[i]}");
            }
        }

        private SendToPeer NewPayment(SimNode n, bool institution)
        {
            SimNode other = Other(n);
            int number = ++_nextPayment;
            string uetr = n.Uetr(number);
            long maxSource = other.Index == 0 ? 10_000_00 : 100_000_00;
            long source = n.Index == 0 ? 1_00 + _random.NextInt(20_000_00) : 1_00 + _random.NextInt(2_000_00);
            string payeeBic = other.Bics[2];
            UInt128 quote = other.InboundQuote;
            int kind = _random.NextInt(100);
            if (kind < 4) payeeBic = other.Index == 0 ? "NONERUMM" : "NONECNBJ";       // AGNT on the destination
            else if (kind < 7) source = maxSource + 1 + _random.NextInt(1_000_00);      // AM09: beyond the quote's size
            else if (kind < 9) quote = 0xBAD;                                           // CURR: no such quote
            else if (kind < 11) source = 200_000_000_00;                                 // beyond the payer's funds: refused at the source
            other.InboundRate.TryConvertSource(Math.Min(source, 200_000_000_00), 2, 2, out long destination);
            if (kind is >= 11 and < 14) destination += 1 + _random.NextInt(100);           // AM09: not at the quoted rate
            string originator = kind is >= 14 and < 16 ? ListedName : "Volga Machine Tools LLC";     // held by the source's officer
            string beneficiary = kind is >= 16 and < 21 ? ListedName : "Harbin Precision Bearings Co"; // held by the destination's officer
            var references = new PaymentReferences($"SIM{n.Name}{number}", $"INS{number}", $"E2E{number}", $"TX{number}", uetr);
            // An institution transfer (pacs.009): the banks are the parties — the originator the payer bank's own BIC, the
            // beneficiary the payee bank's (an unknown payee BIC is refused AGNT by the destination) — and no trade reference;
            // a listed name still makes the screening node hold it.
            var terms = institution
                ? new CrossNodeTerms(uetr, quote, n.Currency, source, other.Currency, Math.Max(1, destination), payeeBic, 0,
                    new Party(originator == ListedName ? ListedName : "Bank " + n.Bics[0], "Kremlevskaya", "9", "420111", "Kazan", "", n.Index == 0 ? "RU" : "CN",
                        "30101810000000000011", PartyIdScheme.Bic, n.Bics[0]),
                    new Party(beneficiary == ListedName ? ListedName : "Bank " + payeeBic, "", "", "", "Harbin", "", n.Index == 0 ? "CN" : "RU",
                        "PAYEE-SETTLEMENT", PartyIdScheme.Bic, payeeBic),
                    TradeReference.None, references) { Kind = CrossNodeKind.Institution }
                : new CrossNodeTerms(uetr, quote, n.Currency, source, other.Currency, Math.Max(1, destination), payeeBic, 0,
                    new Party(originator, "Lenina", "5", "420111", "Kazan", "", n.Index == 0 ? "RU" : "CN", "40702810000000001234", PartyIdScheme.None, ""),
                    new Party(beneficiary, "Zhongshan Road", "88", "150001", "Harbin", "", n.Index == 0 ? "CN" : "RU", "6222020200001234567", PartyIdScheme.None, ""),
                    new TradeReference("INV-" + number, 20261120, "", "", "Ball bearings", "848210", Incoterms.Cip, "Harbin"), references);
            uint expiry = (uint)(_random.NextInt(4) == 0 ? 1 + _random.NextInt(5) : 5 + _random.NextInt(55)); // some expire in a partition or a crash
            return new SendToPeer((UInt128)(0x5_0000_0000UL + (ulong)number), n.PeerId, Payer, Provider, n.Ledger, expiry, terms);
        }

        /// <summary>The node's compliance officer releases (two in three) or rejects the oldest payment held on this node.</summary>
        private void OfficerDecides(SimNode n)
        {
            CrossNodePayment? held = null;
            foreach (CrossNodePayment p in n.Engine!.Federation.Payments) if (p.Status == CrossNodeStatus.Held) { held = p; break; }
            if (held is null) return;
            bool release = _random.NextInt(3) != 0;
            Operation op = release ? Operation.ReleaseHold : Operation.RejectHold;
            Spawn(OfficerDecidesAsync(n, ExchangeCommands.Encode(op, new HoldDecision(held.PaymentId, CentralBank, release ? "false positive: another company" : "confirmed match")),
                $"op {(int)op} {(release ? "ReleaseHold" : "RejectHold")} {held.Terms.Uetr} ({held.Role})"));
        }

        /// <summary>The officer's decision through the node, with its crash points around the journal write.</summary>
        private static async Task OfficerDecidesAsync(SimNode n, byte[] command, string what)
        {
            SimLinkNode node = n.LinkNode;
            try
            {
                node.Reached(LinkPoint.DecisionBeforeJournal);
                await node.CommitAsync(command, what);
                node.Reached(LinkPoint.DecisionAfterJournal);
            }
            catch (NodeGoneException) { } // the officer decides again later (the payment is still held, or decided already)
        }

        /// <summary>
        /// The node's operator moves the operating day on: customer cut-off, interbank cut-off, end of day, the next day
        /// opened. Payments sent, received or released meanwhile meet the day's rules on the node that judges them (CUTA).
        /// </summary>
        private void DayMovesOn(SimNode n)
        {
            SettlementState day = n.Engine!.Settlement;
            byte[] command = day.Phase switch
            {
                DayPhase.Open => SettlementCodec.EncodeCommand(new ChangeDayPhase(DayPhase.CustomerCutoff)),
                DayPhase.CustomerCutoff => SettlementCodec.EncodeCommand(new ChangeDayPhase(DayPhase.InterbankCutoff)),
                DayPhase.InterbankCutoff => SettlementCodec.EncodeCommand(new ChangeDayPhase(DayPhase.EndOfDay)),
                _ => SettlementCodec.EncodeCommand(new OpenBusinessDay(day.BusinessDate + 1)),
            };
            string what = day.Phase is DayPhase.EndOfDay or DayPhase.Closed ? $"OpenBusinessDay {day.BusinessDate + 1}" : $"ChangeDayPhase after {day.Phase}";
            Spawn(DayCommandAsync(n, command, what));
        }

        private static async Task DayCommandAsync(SimNode n, byte[] command, string what)
        {
            CommandReply answer;
            try { answer = await n.LinkNode.CommitAsync(command, what); }
            catch (NodeGoneException) { return; }
            if (!answer.AllOk) throw new FindingException($"{n.Name}: {what} refused: {string.Join(",", answer.Errors)}");
        }

        // ───────────────────────────── the link (src/Corridor.Link, as the node runs it) ─────────────────────────────

        /// <summary>
        /// The node under the link, as <c>GatewayLinkNode</c> is on a real node, for one process (incarnation) of it: a command
        /// joins the node's queue behind whatever waits — clients' requests and other link commands, as a real node's sequencer
        /// queue holds them — and is answered when its group commit is journaled, applied and acknowledged (<see cref="Flush"/>);
        /// queries read the engine; the clock is the node's (skewed) simulated one. At the named crash points the node may die
        /// (<see cref="Reached"/> throws). Once this process is gone every call throws <see cref="NodeGoneException"/>. With the
        /// planted bug <see cref="FederationBug.DestinationAnswersBeforeJournal"/>, a received pacs.008/pacs.009 is applied
        /// without being journaled (<see cref="Deferred"/>): the simulator journals it after the answer left, unless the node dies first.
        /// </summary>
        public sealed class SimLinkNode(SeedRun run, SimNode n, int incarnation) : ILinkNode
        {
            /// <summary>The message being handled (for the trace; read when its command is queued).</summary>
            public string Context { get; set; } = "";
            /// <summary>The planted bug's batch: applied and answered from, not journaled yet.</summary>
            public (long Sequence, ulong TimestampNs, byte[] Body, int Items)? Deferred { get; set; }

            private bool Alive => n.Up && n.Incarnation == incarnation;

            public Task<CommandReply> SubmitAsync(Operation operation, int count, byte[] payload) =>
                Alive ? run.LinkSubmitAsync(n, operation, count, payload) : Task.FromException<CommandReply>(new NodeGoneException());

            public Task<T> QueryAsync<T>(Func<Engine, T> query) => Alive ? Task.FromResult(query(n.Engine!)) : Task.FromException<T>(new NodeGoneException());

            public ulong NowNs => run.ClockNs(n);

            public string NewMessageId(string prefix) => $"{prefix}{n.Name}{n.Incarnation}N{++run._messageIds}";

            public void Reached(LinkPoint point)
            {
                if (!Alive) throw new NodeGoneException();
                run.CrashPoint(n, point);
            }

            /// <summary>A request of encoded command(s) joins the node's queue; its answer once acknowledged (the node's own routing).</summary>
            public Task<CommandReply> CommitAsync(byte[] body, string what, bool link = false)
            {
                if (!Alive) return Task.FromException<CommandReply>(new NodeGoneException());
                var answered = new TaskCompletionSource<CommandReply>(TaskCreationOptions.RunContinuationsAsynchronously);
                run.Enqueue(n, body, what, q =>
                {
                    if (q.Answer is { } a) answered.SetResult(a);
                    else answered.SetException(new NodeGoneException()); // the process died first: nobody answers
                }, link);
                return answered.Task;
            }
        }

        /// <summary>A command of the link (the server's <c>GatewayLinkNode.SubmitAsync</c>): one request in the node's queue.</summary>
        private async Task<CommandReply> LinkSubmitAsync(SimNode n, Operation operation, int count, byte[] payload)
        {
            var body = new byte[CommandBatch.HeaderBytes + payload.Length];
            CommandBatch.Write(body, operation, count, payload);
            SimLinkNode node = n.LinkNode;
            string what = operation switch
            {
                Operation.PeerDecision => $"op 403 PeerDecision ×{count}",
                Operation.ReceiveFromPeer => $"op 402 ReceiveFromPeer ×{count} from {node.Context}",
                Operation.ReceiveInstitutionFromPeer => $"op 406 ReceiveInstitutionFromPeer ×{count} from {node.Context}",
                Operation.ExpireUnknown => $"op 404 ExpireUnknown ×{count} from {node.Context}",
                _ => $"op {(int)operation} {operation} ×{count}",
            };
            if (options.PlantedBug == FederationBug.DestinationAnswersBeforeJournal && operation is Operation.ReceiveFromPeer or Operation.ReceiveInstitutionFromPeer)
            {
                // The planted bug: decide in the engine, answer (the link does), and only then journal (DestinationReceivesAsync).
                // What waits in the queue is committed first, so the planted batch takes the next sequence.
                Flush(n);
                if (!n.Up) throw new NodeGoneException();
                long sequence = n.Journal!.LastSequence + 1;
                ulong timestamp = ClockNs(n);
                Log($"  {n.Name} batch {sequence}: {what} (applied, not yet journaled: planted bug)");
                var applied = new List<CommandReply>();
                n.Engine!.Apply(sequence, timestamp, body, applied);
                node.Deferred = (sequence, timestamp, body, count);
                return applied[0];
            }
            CommandReply reply = await node.CommitAsync(body, what, link: true);
            if (operation == Operation.ExpireUnknown && count > 1) _multiExpire++;
            return reply;
        }

        /// <summary>
        /// A named crash point (the server's <c>CORRIDOR_CRASH_AT</c> step of the same name): while faults are on, the node dies
        /// here — killed or power lost — at the seed's rate (the seed's chosen point at one passage in five), and the flow
        /// that reached it stops (<see cref="NodeGoneException"/>), as the process would.
        /// </summary>
        // The status question's points and the rate at which a node dies there (the destination's journal step is reached
        // only for unknown payments, a few times in a hundred seeds: the step before it dies less, so that more get there).
        private static readonly Dictionary<LinkPoint, double> StatusQuestionPoints = new()
        {
            [LinkPoint.SourceBeforeSendPacs028] = 0.25, [LinkPoint.SourceAfterSendPacs028] = 0.25,
            [LinkPoint.DestinationBeforeJournalStatus] = 0.1, [LinkPoint.DestinationAfterJournalStatus] = 0.5,
            [LinkPoint.DestinationAfterAnswerPacs028] = 0.25,
        };

        private void CrashPoint(SimNode n, LinkPoint point)
        {
            if (!_faultsOn || n.LinkNode.Deferred is not null) return; // the planted bug's own window is its own
            // A status question (pacs.028) passes its points far less often than a payment passes the pacs.008 ones (a few
            // times per seed, the destination's journal step only for unknown payments): where the seed crashes at points at
            // all, they die far more often (StatusQuestionPoints), so that every seed set reaches each of them.
            double rate = point == _focusPoint ? 0.2 : _crashAtPoint > 0 && StatusQuestionPoints.TryGetValue(point, out double rare) ? rare : _crashAtPoint;
            if (rate <= 0 || _random.NextDouble() >= rate) return;
            _crashesAt[(int)point]++;
            Crash(n, powerLoss: _random.NextInt(2) == 0, $"{n.Name}: died at crash point {LinkPoints.Name(point)}");
            throw new NodeGoneException();
        }

        /// <summary>The source's side of the link, one round (<see cref="LinkOutbox.Round"/>): the exchanges it starts, then those timed out.</summary>
        private void Outbox(SimNode n)
        {
            int batchesInFlight = 0, retriesInFlight = 0;
            foreach (SimExchange e in n.Exchanges.Values) { if (e.X.IsBatch) batchesInFlight++; else retriesInFlight++; }
            LinkRound round = n.Link!.Round(LinkOutbox.Survey(n.Engine!), _nowMs, LinkOutbox.MaxBatchesInFlight - batchesInFlight, LinkOutbox.MaxConcurrentExchanges - retriesInFlight);
            foreach (LinkExchange x in round.Exchanges)
            {
                if (!n.Up) return; // it died at a crash point before a request
                if (x.Step == LinkStep.Journal) Log($"  {n.Name} outbox: voids {x.PaymentIds.Count} payment(s) on its own after their expiry (planted bug)");
                var e = new SimExchange(++n.NextExchange, x);
                n.Exchanges[e.Id] = e;
                Drive(n, e);
            }
            if (!n.Up) return;
            // Requests that were not answered in time fail; the payments are retried after the back-off. (An exchange whose
            // decisions wait for the node's journal has no request out: the server's outbox times out only its HTTP request.)
            foreach (SimExchange e in n.Exchanges.Values.ToArray())
                if (e.X.Step == LinkStep.Send && _nowMs >= e.DeadlineMs) { Log($"  {n.Name} outbox: exchange {e.Id} timed out"); e.X.Failed(); Ended(n, e); }
        }

        /// <summary>
        /// Drives an exchange as the server's outbox does, until it waits for an answer or ends: each request sent on the network,
        /// each set of final answers journaled as one PeerDecision command (op 403) before the next request.
        /// </summary>
        private void Drive(SimNode n, SimExchange e)
        {
            while (true)
            {
                switch (e.X.Step)
                {
                    case LinkStep.Send:
                    {
                        LinkRequest r = e.X.Request!;
                        try { n.LinkNode.Reached(r.IsQuestion ? LinkPoint.SourceBeforeSendPacs028 : LinkPoint.SourceBeforeSendPacs008); }
                        catch (NodeGoneException) { return; } // the process is gone, and its exchanges with it
                        string definition = r.Definition[..8];
                        string what = r.Payments == 1 ? $"{definition} {r.FirstUetr}"
                            : r.IsQuestion ? $"{definition} about {r.Payments} (first {r.FirstUetr})" : $"{definition} batch of {r.Payments} (first {r.FirstUetr})";
                        if (r.IsQuestion)
                        {
                            _questions++;
                            _questionPayments += r.Payments;
                            if (r.Payments > 1) _multiQuestions++;
                        }
                        e.Part++;
                        e.DeadlineMs = _nowMs + LinkOutbox.RequestTimeoutMs;
                        var message = new NetworkMessage(n.Index, Other(n).Index, r.Xml, e.Id, n.Incarnation, false, what, e.Part);
                        if (!r.IsQuestion && e.Part == 0 && _faultsOn && _firstSendLoss > 0 && _lossRandom.NextDouble() < _firstSendLoss)
                        {
                            // The connection is reset before the peer read the request: the source sees the error at once, not
                            // knowing whether the peer got it, and asks after the payments at its next retry.
                            _network.Lose(message, "lost on its first send: the connection is reset");
                            _network.Send(ref _lossRandom, _nowMs, new NetworkMessage(Other(n).Index, n.Index, [], e.Id, n.Incarnation, true, "connection reset", e.Part)
                                { Error = "connection reset before an answer" });
                        }
                        else _network.Send(ref _random, _nowMs, message);
                        return;
                    }
                    case LinkStep.Journal:
                        Spawn(JournalDecisionsAsync(n, e)); // the exchange waits for its node's journal, queued with everything else
                        return;
                    default:
                        Ended(n, e);
                        return;
                }
            }
        }

        /// <summary>
        /// The exchange's final answers journaled as one PeerDecision command (op 403) through the node's queue, as the server's
        /// outbox awaits them; then its crash point, the bookings checked, and the exchange driven on.
        /// </summary>
        private async Task JournalDecisionsAsync(SimNode n, SimExchange e)
        {
            SimLinkNode node = n.LinkNode;
            FederationResult[] results;
            try
            {
                results = await LinkCommands.SubmitAsync(node, Operation.PeerDecision, e.X.Decisions);
                node.Reached(LinkPoint.SourceAfterJournalDecision);
            }
            catch (NodeGoneException) { return; } // the process is gone, and its exchanges with it
            foreach (LinkBooking b in e.X.Journaled(results))
            {
                if (b.Result == FederationResult.DecisionConflicts)
                    throw new FindingException($"{Other(n).Name} answered {b.Uetr} {(b.Status == CrossNodeStatus.Settled ? "settled" : "refused")}, contradicting the decision {n.Name} applied");
                if (b.Result != FederationResult.Ok) throw new FindingException($"{n.Name}: the decision for {b.Uetr} was refused: {b.Result}");
            }
            Drive(n, e);
        }

        /// <summary>An exchange ended: the link forgets the decided payments and retries the others after the back-off.</summary>
        private void Ended(SimNode n, SimExchange e)
        {
            n.Exchanges.Remove(e.Id);
            n.Link!.Ended(e.X, _nowMs);
        }

        // ───────────────────────────── delivery ─────────────────────────────

        private void Deliver(NetworkMessage m)
        {
            SimNode to = _nodes[m.To];
            if (!to.Up) { Log($"  {to.Name} is down: {m.What} (exchange {m.Exchange}) refused"); return; }
            if (!m.IsAnswer) { Spawn(DestinationReceivesAsync(to, m)); return; }
            // A copy of an answer already in hand (the exchange journals its decisions now) finds no request waiting either.
            if (m.AskerIncarnation != to.Incarnation || !to.Exchanges.TryGetValue(m.Exchange, out SimExchange? e) || m.Part != e.Part || e.X.Step != LinkStep.Send)
            {
                Log($"  {to.Name}: answer to exchange {m.Exchange} dropped (its request timed out or its process is gone)");
                return;
            }
            if (m.Error is not null)
            {
                Log($"  {to.Name}: exchange {m.Exchange} refused by the peer: {m.Error}");
                e.X.Failed();
                Ended(to, e);
                return;
            }
            ParseResult parsed = Iso20022Codec.Parse(m.Xml);
            if (!parsed.IsSuccess)
                throw new FindingException($"{_nodes[m.From].Name} wrote a {m.What} that does not validate: {string.Join("; ", parsed.Errors.Take(3).Select(x => $"{x.ReasonCode} {x.Path} {x.Message}"))}");
            if (parsed.Message is not StatusReport report) throw new FindingException($"{m.What} parsed as {parsed.Message!.MessageDefinition}");
            try { to.LinkNode.Reached(e.X.Request!.IsQuestion ? LinkPoint.SourceAfterSendPacs028 : LinkPoint.SourceAfterSendPacs008); }
            catch (NodeGoneException) { return; } // died with the answer in hand: the payments are asked after again
            e.X.Answered(report);
            Drive(to, e);
        }

        /// <summary>
        /// The destination's side of the link (<see cref="LinkEndpoint.ReceiveAsync"/>, as the server's peer endpoint calls it):
        /// a pacs.008/pacs.009 journaled as one command, a pacs.028's unknown payments as one op 404, then one pacs.002 — or a
        /// refusal, which reaches the source as an HTTP error would.
        /// </summary>
        private async Task DestinationReceivesAsync(SimNode b, NetworkMessage m)
        {
            SimLinkNode node = b.LinkNode;
            node.Context = m.What;
            LinkReply reply;
            try { reply = await LinkEndpoint.ReceiveAsync(node, b.PeerId, m.Xml); }
            catch (NodeGoneException) { return; }
            if (reply.Refused)
            {
                if (reply.Code is "federation.message_invalid" or "federation.unsupported_message")
                    throw new FindingException($"{_nodes[m.From].Name} wrote a {m.What} that {b.Name} refuses: {reply.Status} {reply.Code}: {reply.Detail}");
                if (reply.IsQuestion) throw new FindingException($"{b.Name}: ExpireUnknown for {m.What} refused: {reply.Code}");
                Log($"  {b.Name} refuses {m.What}: {reply.Status} {reply.Code}");
                _network.Send(ref _random, _nowMs, new NetworkMessage(b.Index, m.From, [], m.Exchange, m.AskerIncarnation, true, $"HTTP {reply.Status} {reply.Code}", m.Part)
                    { Error = $"{reply.Status} {reply.Code}" });
                // As the server's peer endpoint: its after-answer point is armed once something was journaled (a 409/422 refusal).
                if (reply.Status is 409 or 422)
                    try { node.Reached(LinkPoint.DestinationAfterAnswerPacs008); }
                    catch (NodeGoneException) { }
                return;
            }
            var sb = new StringBuilder();
            foreach (CrossNodeMapping.AnswerLine line in reply.Lines)
            {
                if (reply.IsQuestion && line.NotRecorded is not null) throw new FindingException($"{b.Name}: ExpireUnknown for {line.Uetr} refused: {line.NotRecorded}");
                Remember(b, line.Uetr, line.Answer);
                sb.Append(' ').Append(line.Uetr[^4..]).Append('=').Append(Describe(line.Answer) ?? (line.NotRecorded is not null ? "not recorded: " + line.NotRecorded : "not received"));
            }
            _network.Send(ref _random, _nowMs, new NetworkMessage(b.Index, m.From, reply.Xml!, m.Exchange, m.AskerIncarnation, true, "pacs.002" + sb, m.Part));
            if (node.Deferred is not { } deferred)
            {
                try { node.Reached(reply.IsQuestion ? LinkPoint.DestinationAfterAnswerPacs028 : LinkPoint.DestinationAfterAnswerPacs008); }
                catch (NodeGoneException) { }
                return;
            }
            // The planted bug's batch: answered already, journaled only now — unless the node dies first.
            node.Deferred = null;
            if (_random.NextDouble() < 0.3) { Crash(b, powerLoss: false, $"{b.Name}: process killed after answering, before journaling (planted bug)"); return; }
            try { b.Journal!.Append(deferred.Sequence, deferred.TimestampNs, deferred.Body); }
            catch (Exception e) when (e is IOException or SimulatedCrashException)
            {
                b.Uncertain = (deferred.Sequence, deferred.TimestampNs, deferred.Body);
                Crash(b, powerLoss: e is SimulatedCrashException && _random.NextInt(2) == 0, $"{b.Name}: append of batch {deferred.Sequence} failed ({e.Message})");
                return;
            }
            b.Reference.Apply(deferred.Sequence, deferred.TimestampNs, deferred.Body, null);
            b.EventsSinceSnapshot += deferred.Items;
        }

        private static string? Describe(PeerAnswer? answer) => answer is null ? null : answer.Status == CrossNodeStatus.Refused ? $"Refused {answer.ReasonCode}" : answer.Status.ToString();

        /// <summary>B answers the same thing forever: a final answer, once given, may never change.</summary>
        private void Remember(SimNode b, string uetr, PeerAnswer? answer)
        {
            if (answer is null || answer.Status is not (CrossNodeStatus.Settled or CrossNodeStatus.Refused)) return;
            if (b.Answered.TryGetValue(uetr, out CrossNodeStatus before) && before != answer.Status)
                throw new FindingException($"{b.Name} answered {uetr} {before} and now {answer.Status}");
            b.Answered[uetr] = answer.Status;
        }

        // ───────────────────────────── the node's process ─────────────────────────────

        /// <summary>A request joins the node's queue; <paramref name="done"/> runs when it is answered or lost (<see cref="QueuedCommand.Answer"/> null).</summary>
        private QueuedCommand Enqueue(SimNode n, byte[] body, string what, Action<QueuedCommand>? done, bool link = false)
        {
            var q = new QueuedCommand(body, what, done) { FromLink = link };
            n.Queue.Add(q);
            return q;
        }

        /// <summary>
        /// A request joins the node's queue behind those waiting, and the queue is committed (<see cref="Flush"/>): its replies,
        /// one per command, or null when the node died first (the process stops).
        /// </summary>
        private List<CommandReply>? Submit(SimNode n, byte[] body, string what, bool allowCrash = true)
        {
            QueuedCommand q = Enqueue(n, body, what, null);
            Flush(n, allowCrash);
            return q.Replies;
        }

        /// <summary>
        /// The node's sequencer and engine: group commits of what waits in its queue, within the seed's bounds, each through the
        /// node's own pipeline steps (<see cref="GroupCommit"/>, as <see cref="Node"/>'s threads run them): grouped, journaled
        /// (written and synced), applied, acknowledged — each request answered with its own reply. When an append fails the node
        /// stops: nothing of that batch nor of the queue behind it is answered.
        /// </summary>
        private void Flush(SimNode n, bool allowCrash = true)
        {
            while (n.Queue.Count > 0 && n.Up)
            {
                int cursor = 1;
                CommitBatch<QueuedCommand> batch = GroupCommit.Group(n.PipelineOptions, n.Queue[0], (out QueuedCommand? next) =>
                {
                    next = cursor < n.Queue.Count ? n.Queue[cursor++] : null;
                    return next is not null;
                }, out _, allowCrash ? PlantedPipeline : PlantedPipelineBug.None);
                n.Queue.RemoveRange(0, batch.Requests.Count);
                List<QueuedCommand> requests = batch.Requests;
                Log($"  {n.Name} batch {n.Journal!.LastSequence + 1}: {string.Join(" + ", requests.Select(r => r.What))}");
                if (requests.Count > 1) { _groupedBatches++; _groupedRequests += requests.Count; }
                if (requests.Exists(r => r.FromLink) && requests.Exists(r => !r.FromLink)) _mixedBatches++;
                if (allowCrash && DiesBetweenSteps(n, batch, requests, journaled: false, "grouped, not journaled")) return;
                try
                {
                    GroupCommit.Journal(n.Journal, n.PipelineOptions.Clock, batch);
                }
                catch (Exception e) when (allowCrash && e is IOException or SimulatedCrashException)
                {
                    n.Uncertain = (batch.Sequence, batch.TimestampNs, batch.Body.ToArray());
                    batch.Release();
                    Crash(n, powerLoss: e is SimulatedCrashException && _random.NextInt(2) == 0, $"{n.Name}: append of batch {batch.Sequence} failed ({e.Message}): the node stops, nothing of it answered");
                    foreach (QueuedCommand r in requests) r.Finish();
                    return;
                }
                if (allowCrash && DiesBetweenSteps(n, batch, requests, journaled: true, "journaled, not applied")) return;
                var replies = new List<CommandReply>();
                GroupCommit.Apply(n.Engine!, batch, replies);
                if (allowCrash && DiesBetweenSteps(n, batch, requests, journaled: true, "applied, not acknowledged")) return;
                var answers = new List<CommandReply>(requests.Count);
                GroupCommit.Acknowledge(batch, replies, answers);
                var expected = new List<CommandReply>(replies.Count);
                n.Reference.Apply(batch.Sequence, batch.TimestampNs, batch.Body, expected);
                batch.Release();
                n.EventsSinceSnapshot += Math.Max(1, replies.Count);
                int reply = 0;
                for (int k = 0; k < requests.Count; k++)
                {
                    QueuedCommand r = requests[k];
                    r.Replies = replies.GetRange(reply, r.Commands);
                    reply += r.Commands;
                    // Each request — a client's or the link's own — must get the reference engine's reply to its own (last)
                    // command, found here by counting commands, independently of the pipeline's routing.
                    if (SimulatedWorkload.WrongAnswer(answers[k], expected[reply - 1]) is { } wrong)
                        throw new FindingException($"{n.Name} batch {batch.Sequence}: request {k + 1} of {requests.Count} ({r.What}) was answered {wrong}");
                    r.Answer = answers[k];
                }
                foreach (QueuedCommand r in requests) r.Finish();
            }
        }

        /// <summary>
        /// The node's process dies between two steps of its pipeline (killed or power lost), at the seed's rate: nothing of the
        /// batch is answered — the clients send again, the link asks again — and a batch already journaled may or may not
        /// survive (power loss takes back what was not synced; it was synced here, so it comes back).
        /// </summary>
        private bool DiesBetweenSteps(SimNode n, CommitBatch<QueuedCommand> batch, List<QueuedCommand> requests, bool journaled, string where)
        {
            if (_crashBetweenSteps <= 0 || _random.NextDouble() >= _crashBetweenSteps) return false;
            bool powerLoss = _random.NextInt(2) == 0;
            _pipelineCrashes++;
            if (journaled) n.Uncertain = (batch.Sequence, batch.TimestampNs, batch.Body.ToArray());
            batch.Release();
            Crash(n, powerLoss, $"{n.Name}: {(powerLoss ? "power lost" : "process killed")} with batch {batch.Sequence} {where}");
            foreach (QueuedCommand r in requests) r.Finish();
            return true;
        }

        /// <summary>A request of one or more encoded commands in the node's queue, as the pipeline sees it, and its answer.</summary>
        public sealed class QueuedCommand(byte[] body, string what, Action<QueuedCommand>? done) : IPipelineRequest
        {
            public string What => what;
            /// <summary>A command of the link (a peer's payments, its status question, the source's decisions), not a client's request.</summary>
            public bool FromLink { get; init; }
            public int EncodedBytes => body.Length;
            public int Commands { get; } = CountCommands(body);
            /// <summary>The reply to its last command; null until answered, and for ever when the node died first.</summary>
            public CommandReply? Answer { get; set; }
            /// <summary>The replies to all its commands, in order (null when never answered).</summary>
            public List<CommandReply>? Replies { get; set; }
            public int Write(Span<byte> destination)
            {
                body.CopyTo(destination);
                return body.Length;
            }
            /// <summary>Tells its client (answered or not).</summary>
            public void Finish() => done?.Invoke(this);

            private static int CountCommands(byte[] body)
            {
                int n = 0;
                for (int offset = 0; offset < body.Length; n++) CommandBatch.Read(body, ref offset);
                return n;
            }
        }


        /// <summary>The planted pipeline bug of this seed (<see cref="FederationBug.AcknowledgeBeforeSync"/>, <see cref="FederationBug.MisroutedReplies"/>), in <see cref="GroupCommit"/>'s terms.</summary>
        private PlantedPipelineBug PlantedPipeline => options.PlantedBug switch
        {
            FederationBug.AcknowledgeBeforeSync => PlantedPipelineBug.AcknowledgeBeforeSync,
            FederationBug.MisroutedReplies => PlantedPipelineBug.MisroutedReplies,
            _ => PlantedPipelineBug.None,
        };

        private static FederationResult[] ResultsOf(CommandReply reply, int count)
        {
            var results = new FederationResult[count];
            foreach (ItemResult e in reply.Errors) if (e.Index < count) results[e.Index] = (FederationResult)e.Code;
            return results;
        }

        /// <summary>
        /// As the node: the engine captures its state and goes on; the snapshot thread writes the image now or after up to three
        /// more steps of batches (drawn). A failed write stops the node (its batches are durable).
        /// </summary>
        private void TakeSnapshot(SimNode n)
        {
            Engine.EngineSnapshot image;
            try { image = n.Engine!.CaptureSnapshot(); }
            catch (Exception e) when (e is IOException or SimulatedCrashException)
            {
                Crash(n, powerLoss: e is SimulatedCrashException && _random.NextInt(2) == 0, $"{n.Name}: snapshot failed ({e.Message}): the node stops");
                return;
            }
            n.EventsSinceSnapshot = 0;
            int delay = _snapshotRandom.NextInt(4);
            if (delay == 0) { WriteSnapshot(n, image); return; }
            n.Writing = (image, delay);
            Log($"  {n.Name} snapshot of batch {image.Sequence} captured, written after {delay} more steps");
        }

        private void WriteBehind(SimNode n, (Engine.EngineSnapshot Image, int StepsLeft) w)
        {
            if (w.StepsLeft > 1) { n.Writing = w with { StepsLeft = w.StepsLeft - 1 }; return; }
            _snapshotsWrittenBehind++;
            WriteSnapshot(n, w.Image);
        }

        private void WriteSnapshot(SimNode n, Engine.EngineSnapshot image)
        {
            n.Writing = null;
            try
            {
                try { n.Snapshots!.Write(image.Sequence, image.WriteTo); }
                finally { image.Release(); }
                Log($"  {n.Name} snapshot at batch {image.Sequence}{(image.Sequence == n.Engine!.Sequence ? "" : $", written at batch {n.Engine.Sequence}")}");
            }
            catch (Exception e) when (e is IOException or SimulatedCrashException)
            {
                Crash(n, powerLoss: e is SimulatedCrashException && _random.NextInt(2) == 0, $"{n.Name}: snapshot failed ({e.Message}): the node stops");
            }
        }

        private void Crash(SimNode n, bool powerLoss, string why)
        {
            Log("  " + why + (powerLoss ? " (power loss)" : ""));
            n.Writing?.Image.Release(); // the snapshot thread dies with the process, its file unfinished
            n.Writing = null;
            n.Journal = null;
            n.Snapshots = null;
            n.Engine = null;
            long projected = n.ReadModel?.ProjectedSequence ?? -1;
            n.ReadModel?.Dispose(); // the read model's file stays (SQLite: each projected group is one transaction)
            n.ReadModel = null;
            n.Projector = null;
            if (powerLoss && n.ReadModelPath is not null) ReadModelPowerLoss(n, projected);
            n.Exchanges.Clear();   // the outbox's state is in memory: a restart begins again with a pacs.008 (idempotent)
            n.Link = null;
            n.LinkNode.Deferred = null;
            if (powerLoss) _powerLosses++;
            n.Disk.Crash(powerLoss);
            // The queue dies with the process: its requests were never answered (their clients send them again).
            QueuedCommand[] lost = [.. n.Queue];
            n.Queue.Clear();
            foreach (QueuedCommand q in lost) q.Finish();
            n.DownUntilMs = _nowMs + (_faultsOn ? _random.NextInt(5_000) : 0);
        }

        private void StartNode(SimNode n, bool final)
        {
            for (int attempt = 0; attempt < options.MaxStartAttempts; attempt++)
            {
                RecoveryInfo info;
                try
                {
                    n.Journal = FileJournal.Open($"/{(n.Index == 0 ? "a" : "b")}/journal", n.JournalOptions, n.Disk);
                    n.Snapshots = new SnapshotStore($"/{(n.Index == 0 ? "a" : "b")}/snapshots", n.Disk);
                    var nodeOptions = new NodeOptions { SnapshotEveryEvents = n.SnapshotEveryEvents, Clock = () => ClockNs(n) };
                    n.Engine = NodeRecovery.Recover(nodeOptions, n.Journal, n.Snapshots, out info, out long replayed);
                    n.EventsSinceSnapshot = replayed;
                }
                catch (SimulatedCrashException)
                {
                    Crash(n, powerLoss: _random.NextInt(2) == 0, $"{n.Name}: crashed while starting");
                    n.DownUntilMs = _nowMs;
                    continue;
                }
                catch (JournalCorruptException e)
                {
                    throw new FindingException($"{n.Name} refused to start although no fault damaged stored data: {e.Message}");
                }
                catch (IOException e)
                {
                    Crash(n, powerLoss: false, $"{n.Name}: start failed on I/O ({e.Message}); the operator restarts");
                    n.DownUntilMs = _nowMs;
                    continue;
                }
                n.Incarnation++;
                n.LinkNode = new SimLinkNode(this, n, n.Incarnation);
                n.Link = new LinkOutbox(n.LinkNode, _batchSize, _maxRetryMs)
                {
                    Planted = options.PlantedBug == FederationBug.SourceVoidsAfterTimeout ? PlantedLinkBug.SourceVoidsAfterTimeout : PlantedLinkBug.None,
                };
                _restarts++;
                Log($"  {n.Name} started (incarnation {n.Incarnation}): {n.Journal.RecoveryReport}; snapshot {info.SnapshotSequence}, replayed {info.BatchesReplayed}");
                // The checks are the simulator's, not the node's: no crash in them.
                double crashRate = n.Disk.CrashPerOperation;
                n.Disk.CrashPerOperation = 0;
                try
                {
                    CheckRecovered(n, info, final);
                    if (n.ReadModelPath is not null)
                    {
                        n.ReadModel = SqliteReadModel.Open(n.ReadModelPath);
                        try { n.Projector = new Projector(n.Journal, n.ReadModel, n.Snapshots); }
                        catch (JournalCorruptException e) { throw new FindingException($"{n.Name}: the read-model projector cannot start: {e.Message}"); }
                        Log($"  {n.Name} projector: read model at batch {n.ReadModel.ProjectedSequence}, replica from snapshot {n.Projector.StartedFromSnapshot}");
                        if (final) Project(n);
                    }
                }
                finally { n.Disk.CrashPerOperation = crashRate; }
                return;
            }
            Log($"  {n.Name}: gave up starting for now");
            n.DownUntilMs = _nowMs + 1_000;
        }

        // ───────────────────────────── checks ─────────────────────────────

        /// <summary>After a restart: nothing acknowledged lost, nothing twice, the same answers, balanced, and a full replay agrees.</summary>
        private void CheckRecovered(SimNode n, RecoveryInfo info, bool final)
        {
            Engine engine = n.Engine!;
            if (n.Uncertain is { } u && engine.Sequence == u.Sequence && n.Reference.Sequence == u.Sequence - 1)
            {
                n.Reference.Apply(u.Sequence, u.TimestampNs, u.Body, null);
                Log($"  {n.Name}: batch {u.Sequence}, never answered, survived the crash");
            }
            n.Uncertain = null;
            // The destination answers the same forever: every final answer it gave must still be its record.
            foreach (var (uetr, status) in n.Answered)
            {
                PeerAnswer? now = engine.Federation.AnswerFor(n.PeerId, uetr);
                if (now?.Status != status)
                    throw new FindingException($"{n.Name} answered {uetr} {status} before it restarted and now {(now is null ? "has no record of it" : now.Status.ToString())}");
            }
            if (engine.Sequence < n.Reference.Sequence)
                throw new FindingException($"{n.Name} recovered to batch {engine.Sequence} but batches up to {n.Reference.Sequence} were acknowledged ({n.Journal!.RecoveryReport})");
            if (engine.Sequence > n.Reference.Sequence)
                throw new FindingException($"{n.Name} recovered to batch {engine.Sequence}, beyond anything acknowledged ({n.Reference.Sequence})");
            foreach (UInt128 id in n.AcceptedPayments)
                if (!engine.Federation.TryGetPayment(id, out _)) throw new FindingException($"{n.Name}: payment {id} accepted from the payer bank is gone after recovery");
            string recovered = engine.StateHashHex(), expected = n.Reference.StateHashHex();
            if (recovered != expected)
                throw new FindingException($"{n.Name}: state hash after recovery {recovered} differs from the reference {expected} at batch {engine.Sequence}");
            if (SimulatedWorkload.CheckBalances(engine) is { } balance) throw new FindingException($"{n.Name} after recovery: {balance}");
            // A full replay of the journal, ignoring snapshots, must give the same state: at the last recovery and at a third of
            // those that began from a snapshot (a recovery without one is a full replay already).
            if (!final && (info.SnapshotSequence == 0 || _random.NextInt(3) != 0)) return;
            var replay = new Engine();
            foreach (JournalBatch batch in n.Journal!.Read(0)) replay.Apply(batch.Sequence, batch.TimestampNs, batch.Body, null);
            if (replay.StateHashHex() != recovered)
                throw new FindingException($"{n.Name}: full journal replay gives {replay.StateHashHex()} at batch {replay.Sequence}, the recovery {recovered} at batch {engine.Sequence}");
        }

        /// <summary>
        /// A power loss on the read model's disk: SQLite (WAL, synchronous=NORMAL) keeps every transaction a process crash
        /// interrupts, but on a power loss only what its last checkpoint synced — the simulator's read models never reach one
        /// (every 16,384 pages) — plus whatever of the WAL the kernel happened to write back, always a prefix of committed
        /// transactions. Half the time everything survived; otherwise the read model goes back to one of its earlier
        /// committed states (a copy taken after each catch-up, in memory), or to nothing. The projector then resumes from the stored,
        /// earlier position and must redo those batches.
        /// </summary>
        private void ReadModelPowerLoss(SimNode n, long projected)
        {
            List<(SqliteConnection Copy, long Batch)> images = n.ReadModelImages;
            if (images.Count == 0 || _random.NextInt(2) == 0) return;
            int keep = _random.NextInt(images.Count) - 1; // -1: nothing; else the state after that catch-up (the last one is today's)
            string path = n.ReadModelPath!;
            foreach (string suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
            if (keep >= 0)
            {
                using var file = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString);
                file.Open();
                images[keep].Copy.BackupDatabase(file);
            }
            long batch = keep >= 0 ? images[keep].Batch : 0;
            for (int i = images.Count - 1; i > keep; i--) { images[i].Copy.Dispose(); images.RemoveAt(i); }
            _readModelRollbacks++;
            if (projected > batch) _readModelBatchesLost += projected - batch;
            Log($"  {n.Name} read model: the power loss took it back to {(keep >= 0 ? $"its state at batch {batch}" : "nothing (its file was never synced)")}");
        }

        /// <summary>
        /// Copies the read model's committed state (SQLite's online backup, from a second connection, into memory) as one a
        /// power loss may bring back.
        /// </summary>
        private static void KeepReadModelImage(SimNode n)
        {
            var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = ":memory:", Pooling = false }.ConnectionString);
            copy.Open();
            using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = n.ReadModelPath, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ConnectionString))
            {
                source.Open();
                source.BackupDatabase(copy);
            }
            n.ReadModelImages.Add((copy, n.ReadModel!.ProjectedSequence));
        }

        /// <summary>
        /// The projector catches up with the journal; then the read model must show every cross-node payment as the engine
        /// has it (status, result, amounts) and stand at the engine's batch.
        /// </summary>
        private void Project(SimNode n)
        {
            double crashRate = n.Disk.CrashPerOperation;
            n.Disk.CrashPerOperation = 0; // the projector reads the journal the node wrote; crashes are the node's
            int batches;
            try { batches = n.Projector!.CatchUp(); }
            finally { n.Disk.CrashPerOperation = crashRate; }
            Engine engine = n.Engine!;
            if (n.ReadModel!.ProjectedSequence != engine.Sequence)
                throw new FindingException($"{n.Name}: the read model stands at batch {n.ReadModel.ProjectedSequence} after catching up, the engine at {engine.Sequence}");
            // One query for every cross-node row (a seed has far fewer than a page), compared with the engine both ways.
            var rows = new Dictionary<UInt128, PaymentRow>();
            foreach (PaymentRow row in n.ReadModel.ListPayments(new PaymentFilter(Kind: PaymentKinds.CrossNode), SqlReadModel.MaxPageRows)) rows[row.PaymentId] = row;
            int checkedPayments = 0;
            foreach (CrossNodePayment p in engine.Federation.Payments)
            {
                if (p.Tombstone) continue;
                if (!rows.Remove(p.PaymentId, out PaymentRow? row)) throw new FindingException($"{n.Name}: the read model lacks cross-node payment {p.Terms.Uetr} ({p.Role}, {p.Status})");
                if (row.Status != p.Status.ToString() || row.Reason != p.Result.ToString() || row.AmountMinor != p.AmountMinor || row.Uetr != p.Terms.Uetr)
                    throw new FindingException($"{n.Name}: the read model shows {p.Terms.Uetr} as {row.Status} ({row.Reason}, {row.AmountMinor}), the engine as {p.Status} ({p.Result}, {p.AmountMinor})");
                checkedPayments++;
            }
            foreach (PaymentRow extra in rows.Values) throw new FindingException($"{n.Name}: the read model shows a cross-node payment the engine does not have: {extra.Uetr} ({extra.Status})");
            _readModelChecks++;
            KeepReadModelImage(n);
            Log($"  {n.Name} projector: {batches} batches projected, {checkedPayments} cross-node payments as the engine has them");
        }

        /// <summary>After every step: each ledger balances; no payment settled on one side only; answers unchanged.</summary>
        private void CheckLive()
        {
            foreach (SimNode n in _nodes)
                if (n.Up && SimulatedWorkload.CheckBalances(n.Engine!) is { } balance) throw new FindingException($"{n.Name}: {balance}");
            if (!_nodes[0].Up || !_nodes[1].Up) return;
            foreach (SimNode source in _nodes)
            {
                SimNode destination = Other(source);
                foreach (CrossNodePayment p in source.Engine!.Federation.Payments)
                {
                    if (p.Role != CrossNodeRole.Outbound) continue;
                    CrossNodePayment? q = destination.Engine!.Federation.TryGetInbound(p.Terms.Uetr, out CrossNodePayment found) && found.Peer == destination.PeerId ? found : null;
                    string Both() => $"{p.Terms.Uetr}: {p.Status} on {source.Name} (source{(p.PeerReasonCode.Length > 0 ? ", peer reason " + p.PeerReasonCode : "")}), " +
                        $"{(q is null ? "unknown" : q.Status.ToString())} on {destination.Name} (destination)";
                    if (p.Status == CrossNodeStatus.Settled && q?.Status != CrossNodeStatus.Settled)
                        throw new FindingException($"settled on one side only: {Both()}: the source posted the payer's hold without the destination's leg");
                    if (p.Status == CrossNodeStatus.Refused && q?.Status == CrossNodeStatus.Settled)
                        throw new FindingException($"settled on one side only: {Both()}: the source voided the hold of a payment the destination settled");
                    if (p.Status == CrossNodeStatus.Refused && p.PeerReasonCode.Length > 0 && q?.Status != CrossNodeStatus.Refused)
                        throw new FindingException($"voided without the destination's refusal: {Both()}");
                }
                foreach (CrossNodePayment q in destination.Engine!.Federation.Payments)
                {
                    if (q.Role != CrossNodeRole.Inbound || q.Peer != destination.PeerId) continue;
                    if (q.Status == CrossNodeStatus.Settled && !source.Engine.Federation.TryGetOutbound(source.PeerId, q.Terms.Uetr, out _))
                        throw new FindingException($"{q.Terms.Uetr}: settled on {destination.Name}, never sent by {source.Name}");
                }
            }
        }

        /// <summary>The end: both nodes lose power and recover (full replay), every payment resolved alike on both sides, positions agree.</summary>
        private void FinalCheck()
        {
            foreach (SimNode n in _nodes)
            {
                Crash(n, powerLoss: true, $"{n.Name}: final power loss");
                StartNode(n, final: true);
                if (!n.Up) throw new FindingException($"{n.Name} did not start after the final power loss");
            }
            CheckLive();
            foreach (SimNode source in _nodes)
            {
                SimNode destination = Other(source);
                Engine a = source.Engine!, b = destination.Engine!;
                long received = 0, paidThere = 0, settledCount = 0;
                foreach (CrossNodePayment p in a.Federation.Payments)
                {
                    if (p.Role != CrossNodeRole.Outbound) continue;
                    if (p.Status is not (CrossNodeStatus.Settled or CrossNodeStatus.Refused))
                        throw new FindingException($"{p.Terms.Uetr} is still {p.Status} on {source.Name} after the network healed");
                    bool sent = p.Status == CrossNodeStatus.Settled || p.PeerReasonCode.Length > 0;
                    if (!sent) continue;
                    if (!b.Federation.TryGetInbound(p.Terms.Uetr, out CrossNodePayment q) || q.Status != p.Status)
                        throw new FindingException($"{p.Terms.Uetr}: {p.Status} on {source.Name}, {(q is null ? "unknown" : q.Status.ToString())} on {destination.Name}");
                    if (q.Terms.SourceAmountMinor != 0 && (q.Terms.SourceAmountMinor != p.Terms.SourceAmountMinor || q.Terms.DestinationAmountMinor != p.Terms.DestinationAmountMinor))
                        throw new FindingException($"{p.Terms.Uetr}: amounts differ: {p.Terms.SourceAmountMinor} → {p.Terms.DestinationAmountMinor} on {source.Name}, {q.Terms.SourceAmountMinor} → {q.Terms.DestinationAmountMinor} on {destination.Name}");
                    if (p.Status == CrossNodeStatus.Settled) { received += p.Terms.SourceAmountMinor; paidThere += p.Terms.DestinationAmountMinor; settledCount++; }
                }
                // The provider's positions as the destination recorded them must match (corridor peers reconcile).
                long receivedAsSeenThere = 0, paid = 0, settledThere = 0;
                foreach (CrossNodePayment q in b.Federation.Payments)
                    if (q.Role == CrossNodeRole.Inbound && q.Peer == destination.PeerId && q.Status == CrossNodeStatus.Settled)
                    { receivedAsSeenThere += q.Terms.SourceAmountMinor; paid += q.Terms.DestinationAmountMinor; settledThere++; }
                if ((received, paidThere, settledCount) != (receivedAsSeenThere, paid, settledThere))
                    throw new FindingException($"FX provider positions disagree for {source.Name}→{destination.Name}: {source.Name} records {settledCount} settled, received {received} {source.Currency}, " +
                        $"{destination.Name} records {settledThere} settled, paid {paid} {destination.Currency} (expected {paidThere})");
            }
            // Balances follow the settled payments: the provider's account on each node, the payer's and payee's, and no hold pending.
            foreach (SimNode n in _nodes)
            {
                Engine e = n.Engine!;
                long outSettled = 0, inSettled = 0;
                foreach (CrossNodePayment p in e.Federation.Payments)
                {
                    if (p.Status != CrossNodeStatus.Settled) continue;
                    if (p.Role == CrossNodeRole.Outbound) outSettled += p.Terms.SourceAmountMinor; else inSettled += p.Terms.DestinationAmountMinor;
                }
                long provider = e.Settlement.GetSettlementAccount(Provider, n.Ledger)!.BalanceMinor;
                long payer = e.Settlement.GetSettlementAccount(Payer, n.Ledger)!.BalanceMinor;
                long payee = e.Settlement.GetSettlementAccount(Payee, n.Ledger)!.BalanceMinor;
                if (provider != n.ProviderLiquidityMinor + outSettled - inSettled)
                    throw new FindingException($"{n.Name}: the FX provider holds {provider}, expected {n.ProviderLiquidityMinor} + {outSettled} received − {inSettled} paid");
                if (payer != 10_000_000_00 - outSettled) throw new FindingException($"{n.Name}: the payer holds {payer}, expected {10_000_000_00 - outSettled}");
                if (payee != inSettled) throw new FindingException($"{n.Name}: the payee holds {payee}, expected {inSettled}");
                long pending = 0;
                foreach (Account account in e.Ledger.Accounts()) pending += account.DebitsPending;
                if (pending != 0) throw new FindingException($"{n.Name}: {pending} still pending after everything was resolved");
            }
        }

        /// <summary>A line of the trace, after the disk events that came before it.</summary>
        private void Log(string line)
        {
            FlushDiskEvents();
            _trace.Add(line);
        }

        private void FlushDiskEvents()
        {
            foreach (SimNode n in _nodes ?? [])
            {
                for (; n.DiskEventsSeen < n.Disk.Events.Count; n.DiskEventsSeen++) _trace.Add($"  {n.Name} disk: {n.Disk.Events[n.DiskEventsSeen]}");
            }
        }
    }
}
