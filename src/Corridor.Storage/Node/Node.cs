using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Threading.Channels;
using Corridor.Core.Engine;
using Corridor.Storage.Journal;

namespace Corridor.Storage.Node;

/// <summary>
/// A running Corridor node: requests → sequencer (bounded queue, group commit) → journal (durable
/// first) → engine (single thread). The engine applies a batch while the journal syncs it; a reply is released
/// only after its batch is durable and applied, and queries run on the engine thread between batches once the
/// batch before them is durable, so they never see undurable state.
/// </summary>
public sealed class Node : IDisposable
{
    private readonly NodeOptions _options;
    private readonly IJournal _journal;
    private readonly Engine _engine;
    private readonly Channel<Request> _requests;
    private readonly Channel<EngineWork> _applyQueue;
    private readonly Thread _sequencerThread;
    private readonly Thread _engineThread;
    private readonly NodeMetrics _metrics = new();
    private readonly GroupCommit.TryNext<Request> _tryNext;
    private volatile Exception? _fault;
    private readonly SnapshotTaker? _taker; // null without a snapshot store
    private readonly SnapshotStore? _snapshots;
    private int _disposed;

    private Node(NodeOptions options, IJournal journal, SnapshotStore? snapshots, Engine engine, RecoveryInfo recovery, long replayedEvents,
        SnapshotTaker? taker = null)
    {
        _options = options;
        _journal = journal;
        _engine = engine;
        _snapshots = snapshots;
        Recovery = recovery;
        // Replayed events count towards the next snapshot: a node that recovered by a long replay snapshots at its next
        // threshold or when it stops, so the following start does not replay them again. A standby's taker comes with the
        // events its replica applied since its last snapshot, and any write it started.
        _taker = taker ?? (snapshots is null ? null : new SnapshotTaker(options, snapshots));
        if (_taker is not null)
        {
            _taker.Metrics = _metrics;
            _taker.AtLowestPriority = false;
            _taker.Count(replayedEvents);
        }
        _requests = Channel.CreateBounded<Request>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _applyQueue = Channel.CreateBounded<EngineWork>(new BoundedChannelOptions(options.PipelineDepth)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _tryNext = (out Request? next) => _requests.Reader.TryRead(out next);
        // A snapshot that fails to write stops the node — a standby's too, started before it handed its replica over.
        _taker?.WhenWriteFails(Stop);
        _sequencerThread = new Thread(SequencerLoop) { Name = "corridor-sequencer", IsBackground = true };
        _engineThread = new Thread(EngineLoop) { Name = "corridor-engine", IsBackground = true };
        _sequencerThread.Start();
        _engineThread.Start();
    }

    /// <summary>What start-up found: snapshot used, batches replayed, time taken.</summary>
    public RecoveryInfo Recovery { get; }

    public NodeMetrics Metrics => _metrics;

    /// <summary>
    /// The node's journal, for readers beside the writer (a projector): <see cref="IJournal.Read"/> and
    /// <see cref="IJournal.LastSequence"/> are safe from other threads; never append to it.
    /// </summary>
    public IJournal Journal => _journal;

    /// <summary>Set when the node stopped on an unrecoverable error (journal I/O, broken invariant).</summary>
    public Exception? Fault => _fault;

    /// <summary>
    /// Opens (recovers) the state: newest valid snapshot, then every journal batch after it, and starts
    /// the pipeline. The journal is owned by the node from here on.
    /// </summary>
    public static Node Start(NodeOptions options, IJournal journal, SnapshotStore? snapshots)
    {
        Engine engine = NodeRecovery.Recover(options, journal, snapshots, out RecoveryInfo recovery, out long replayedEvents);
        return new Node(options, journal, snapshots, engine, recovery, replayedEvents);
    }

    /// <summary>
    /// As <see cref="Start(NodeOptions, IJournal, SnapshotStore?)"/>, opening the journal with <paramref name="openJournal"/> while the
    /// newest snapshot is restored (<see cref="NodeRecovery.Recover(NodeOptions, Func{IJournal}, SnapshotStore?, out IJournal, out RecoveryInfo, out long)"/>).
    /// </summary>
    public static Node Start(NodeOptions options, Func<IJournal> openJournal, SnapshotStore? snapshots)
    {
        Engine engine = NodeRecovery.Recover(options, openJournal, snapshots, out IJournal journal, out RecoveryInfo recovery, out long replayedEvents);
        return new Node(options, journal, snapshots, engine, recovery, replayedEvents);
    }

    /// <summary>
    /// Starts the pipeline on <paramref name="replica"/>, an engine that already applied a prefix of this journal (a standby's
    /// replica that followed the active node): replays only the batches after it. The journal and the replica are owned by the
    /// node from here on.
    /// </summary>
    public static Node Start(NodeOptions options, IJournal journal, SnapshotStore? snapshots, Engine replica) =>
        Start(options, journal, snapshots, replica, taker: null);

    /// <summary>
    /// As <see cref="Start(NodeOptions, IJournal, SnapshotStore?, Engine)"/>, taking over the standby's snapshot taker: the
    /// events its replica applied since its last snapshot count towards the node's next one, and a write it started goes on.
    /// </summary>
    internal static Node Start(NodeOptions options, IJournal journal, SnapshotStore? snapshots, Engine replica, SnapshotTaker? taker)
    {
        Engine engine = NodeRecovery.CatchUp(journal, snapshots, replica, 0, Stopwatch.StartNew(), 0, out RecoveryInfo recovery, out long replayedEvents);
        return new Node(options, journal, snapshots, engine, recovery, replayedEvents, taker);
    }

    /// <summary>
    /// Submits one command; completes once it is durable and applied. When the sequencer queue is
    /// full, <paramref name="waitWhenFull"/> = false fails fast with <see cref="NodeBusyException"/>
    /// (the server answers 503 + Retry-After); true waits (bulk tools, benchmarks).
    /// </summary>
    public Task<CommandReply> SubmitAsync(Operation operation, int count, ReadOnlyMemory<byte> payload, bool waitWhenFull = false, CancellationToken cancel = default) =>
        SubmitAsync(operation, count, payload, actor: 0, waitWhenFull, cancel);

    /// <summary>As above, journaling <paramref name="actor"/> (the operator user who issued the command; 0 = participant or system) in the command header.</summary>
    public Task<CommandReply> SubmitAsync(Operation operation, int count, ReadOnlyMemory<byte> payload, uint actor, bool waitWhenFull = false, CancellationToken cancel = default) =>
        Submit(operation, count, payload, actor, null, waitWhenFull, cancel);

    /// <summary>
    /// As <see cref="SubmitAsync(Operation, int, ReadOnlyMemory{byte}, uint, bool, CancellationToken)"/>, and reads the engine's state right
    /// after the command's batch is applied, on the engine thread, before the reply: what a <see cref="QueryAsync{T}"/> after the reply
    /// would read, without a second hand-off to the engine (and without a later batch between). <paramref name="read"/> must only read.
    /// </summary>
    public async Task<(CommandReply Reply, T Read)> SubmitAndReadAsync<T>(Operation operation, int count, ReadOnlyMemory<byte> payload, uint actor,
        Func<Engine, CommandReply, T> read, bool waitWhenFull = false, CancellationToken cancel = default)
    {
        T result = default!;
        CommandReply reply = await Submit(operation, count, payload, actor, (engine, r) => result = read(engine, r), waitWhenFull, cancel).ConfigureAwait(false);
        return (reply, result); // written on the engine thread before the reply was set
    }

    private Task<CommandReply> Submit(Operation operation, int count, ReadOnlyMemory<byte> payload, uint actor, Action<Engine, CommandReply>? after, bool waitWhenFull, CancellationToken cancel)
    {
        ThrowIfStopped();
        if (payload.Length > CommandBatch.MaxCommandPayloadBytes)
            throw new ArgumentException($"command payload of {payload.Length} bytes exceeds {CommandBatch.MaxCommandPayloadBytes}", nameof(payload));
        var request = new Request(operation, count, payload, Stopwatch.GetTimestamp()) { Actor = actor, Span = NodeTracing.StartSubmit(operation, count), After = after };
        if (_requests.Writer.TryWrite(request)) return request.Reply.Task;
        if (!waitWhenFull)
        {
            _metrics.Rejected();
            throw new NodeBusyException(_options.QueueCapacity);
        }
        return WriteSlowAsync(request, cancel);
    }

    private async Task<CommandReply> WriteSlowAsync(Request request, CancellationToken cancel)
    {
        await _requests.Writer.WriteAsync(request, cancel).ConfigureAwait(false);
        return await request.Reply.Task.ConfigureAwait(false);
    }

    /// <summary>Runs a read-only function on the engine thread, after every batch already applied.</summary>
    public Task<T> QueryAsync<T>(Func<Engine, T> query)
    {
        ThrowIfStopped();
        var work = new QueryWork<T>(query);
        if (!_applyQueue.Writer.TryWrite(work))
        {
            return WriteQueryAsync(work);
        }
        return work.Result.Task;
    }

    private async Task<T> WriteQueryAsync<T>(QueryWork<T> work)
    {
        await _applyQueue.Writer.WriteAsync(work).ConfigureAwait(false);
        return await work.Result.Task.ConfigureAwait(false);
    }

    // ───────────────────────────── sequencer: batch, journal ─────────────────────────────

    private void SequencerLoop()
    {
        ChannelReader<Request> reader = _requests.Reader;
        Request? carry = null;
        List<Request>? appending = null; // the batch being journaled: failed with the node if its append throws
        try
        {
            while (true)
            {
                if (carry is null)
                {
                    if (!BlockingWait.ForData(reader)) break;
                    if (!reader.TryRead(out carry)) continue;
                }
                // Group commit (GroupCommit: the steps the fault simulator also runs): take what is waiting, up to the batch bounds.
                CommitBatch<Request> batch = GroupCommit.Group(_options, carry, _tryNext, out carry);
                appending = batch.Requests;
                Activity? span = NodeTracing.StartBatch("corridor.journal.append", _journal.LastSequence + 1, batch.Requests.Count, LinksOf(batch.Requests));
                long fsyncStart = Stopwatch.GetTimestamp();
                // Written; a large batch goes to the engine now (when its queue has room: the sync never waits for the engine),
                // which applies it while the disk syncs it and acknowledges it (and lets anything read its state again) only once
                // the sync is done (BatchWork.WaitDurable); any other batch once synced.
                GroupCommit.Write(_journal, _options.Clock, batch);
                var work = new BatchWork(batch);
                bool handed = batch.Bytes >= _options.ApplyWhileSyncingBytes && _applyQueue.Writer.TryWrite(work);
                try
                {
                    GroupCommit.Sync(_journal, batch);
                }
                catch (Exception e)
                {
                    Stop(e);
                    work.Synced(e); // the engine fails the batch's requests and everything after it
                    throw;
                }
                TimeSpan journaled = Stopwatch.GetElapsedTime(fsyncStart);
                work.Synced(null);
                appending = null;
                if (!handed) _applyQueue.Writer.WriteAsync(work).AsTask().GetAwaiter().GetResult();
                _metrics.Journaled(batch.Requests.Count, batch.Bytes, journaled);
                span?.SetTag("corridor.bytes", batch.Bytes);
                span?.Stop();
            }
        }
        catch (Exception e)
        {
            Stop(e);
            // The batch whose append failed was not applied (a refused or unknown append): its requests fail with the node.
            if (appending is not null) foreach (Request r in appending) r.Reply.TrySetException(new NodeStoppedException(e));
            carry?.Reply.TrySetException(new NodeStoppedException(e));
            while (reader.TryRead(out Request? r)) r.Reply.TrySetException(new NodeStoppedException(e));
        }
        finally
        {
            _applyQueue.Writer.TryComplete();
        }
    }

    // ───────────────────────────── engine: apply, reply, snapshot ─────────────────────────────

    private void EngineLoop()
    {
        ChannelReader<EngineWork> reader = _applyQueue.Reader;
        var replies = new List<CommandReply>(16);
        var answers = new List<CommandReply>(16);
        Exception? ahead = null; // set when a batch applied here failed to sync: the state holds what the journal may not, so nothing reads it again
        EngineWork? current = null;
        try
        {
            while (BlockingWait.ForData(reader))
            {
                while (reader.TryRead(out EngineWork? work))
                {
                    current = work;
                    if (work is BatchWork batch)
                    {
                        if ((_fault ?? ahead) is { } stopped) { batch.Fail(stopped); continue; }
                        Activity? span = NodeTracing.StartBatch("corridor.engine.apply", batch.Sequence, batch.Requests.Count, LinksOf(batch.Requests));
                        GroupCommit.Apply(_engine, batch.Commit, replies);
                        span?.Stop();
                        if (batch.WaitDurable() is { } failed)
                        {
                            ahead = failed;
                            batch.Fail(failed);
                            continue;
                        }
                        GroupCommit.Acknowledge(batch.Commit, replies, answers); // one answer per request
                        long now = Stopwatch.GetTimestamp();
                        for (int i = 0; i < answers.Count; i++)
                        {
                            Request r = batch.Requests[i];
                            _taker?.Count(r.Count);
                            _metrics.Replied(r.Operation, r.Count, answers[i].Errors.Length, Stopwatch.GetElapsedTime(r.SubmittedAt, now));
                            if (r.Span is { } submitted) NodeTracing.EndSubmit(submitted, batch.Sequence, answers[i].Errors.Length);
                            if (r.After is { } after)
                            {
                                try { after(_engine, answers[i]); }
                                catch (Exception e) { r.Reply.TrySetException(e); continue; } // applied and durable; only the read failed
                            }
                            r.Reply.TrySetResult(answers[i]);
                        }
                        batch.Commit.Release();
                        _metrics.Applied(_engine.Sequence);
                        _taker?.StartIfDue(_engine); // a snapshot that fails to write stops the node (its batches are durable; the next start replays them)
                    }
                    else if (ahead is not null)
                    {
                        work.Fail(ahead);
                    }
                    else
                    {
                        work.Run(_engine);
                    }
                }
            }
        }
        catch (Exception e)
        {
            Stop(e);
            current?.Fail(e); // its requests are not left waiting (a reply already released stays as it was)
            while (reader.TryRead(out EngineWork? w)) w.Fail(e);
        }
    }

    /// <summary>Takes a snapshot now, in order with the batches (e.g. before a planned stop); completes when it is durable.</summary>
    public async Task SnapshotAsync()
    {
        if (_taker is null) return;
        // One image at a time: a threshold snapshot still being written finishes first. A failure goes to the caller, not the node.
        Task written = await QueryAsync(_ => _taker.StartNow(_engine)).ConfigureAwait(false);
        await written.ConfigureAwait(false);
    }

    private void Stop(Exception e)
    {
        _fault ??= e;
        _requests.Writer.TryComplete();
    }

    private void ThrowIfStopped()
    {
        if (_fault is not null) throw new NodeStoppedException(_fault);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
    }

    /// <summary>
    /// Stops making the restored snapshot's id table this process's own beside the engine (<see cref="SnapshotStore.StopPopulating"/>):
    /// the first step of a stop, so the host's own shutdown does not wait on that work's hold of the mapping's lock
    /// (<see cref="Dispose"/> does it too). The pages not yet made the process's own are copied as the engine writes, as before.
    /// </summary>
    public void StopPopulating() => _snapshots?.StopPopulating();

    /// <summary>Stops accepting work, finishes what was accepted, optionally snapshots, closes the journal.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        StopPopulating();
        _requests.Writer.TryComplete();
        _sequencerThread.Join();
        _engineThread.Join();
        if (_taker is not null)
        {
            try { _taker.Writing.GetAwaiter().GetResult(); }
            catch (Exception e) { _fault ??= e; } // already stopped the node: no snapshot on stop after a failed one
            if (_fault is null && _options.SnapshotOnStop && _taker.EventsSinceSnapshot > 0) _taker.Write(_taker.Capture(_engine));
        }
        _journal.Dispose();
    }

    // ───────────────────────────── work items ─────────────────────────────

    /// <summary>Links to the submit spans of a batch's traced commands; null (no allocation) when none is traced.</summary>
    private static List<ActivityLink>? LinksOf(List<Request> requests)
    {
        List<ActivityLink>? links = null;
        foreach (Request r in requests) if (r.Span is { } s) (links ??= new()).Add(new ActivityLink(s.Context));
        return links;
    }

    /// <summary>Requests waiting for the sequencer (the bounded queue's depth).</summary>
    public int QueueDepth => _requests.Reader.Count;

    private sealed class Request(Operation operation, int count, ReadOnlyMemory<byte> payload, long submittedAt) : IPipelineRequest
    {
        public Operation Operation { get; } = operation;
        public int Count { get; } = count;
        public ReadOnlyMemory<byte> Payload { get; } = payload;
        public long SubmittedAt { get; } = submittedAt;
        public uint Actor { get; init; }
        /// <summary>The command's submit span (null unless traces are exported): ended with the reply.</summary>
        public System.Diagnostics.Activity? Span { get; init; }
        public TaskCompletionSource<CommandReply> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>A read of the engine's state run on the engine thread right after the command is applied, before the reply (null: none).</summary>
        public Action<Engine, CommandReply>? After { get; init; }
        public int EncodedBytes => CommandBatch.EncodedSize(Payload.Length);
        public int Commands => 1;
        public int Write(Span<byte> destination) => CommandBatch.Write(destination, Operation, Count, Payload.Span, Actor);
    }

    private abstract class EngineWork
    {
        public abstract void Run(Engine engine);
        public abstract void Fail(Exception e);
    }

    private sealed class BatchWork(CommitBatch<Request> commit) : EngineWork
    {
        private readonly object _gate = new(); // Monitor.Wait needs an object lock
        private bool _synced;
        private Exception? _syncFailure;

        public CommitBatch<Request> Commit { get; } = commit;

        /// <summary>The sequencer's word that the batch's sync is done: <paramref name="failure"/> null when it is durable.</summary>
        public void Synced(Exception? failure)
        {
            lock (_gate)
            {
                _syncFailure = failure;
                _synced = true;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Waits for <see cref="Synced"/>; null when the batch is durable, else why it is not.</summary>
        public Exception? WaitDurable()
        {
            lock (_gate)
            {
                while (!_synced) Monitor.Wait(_gate);
                return _syncFailure;
            }
        }

        public long Sequence => Commit.Sequence;
        public List<Request> Requests => Commit.Requests;
        public override void Run(Engine engine) => throw new InvalidOperationException("batches are applied by the engine loop");
        public override void Fail(Exception e)
        {
            foreach (Request r in Requests) r.Reply.TrySetException(new NodeStoppedException(e));
        }
    }

    private sealed class QueryWork<T>(Func<Engine, T> query) : EngineWork
    {
        public TaskCompletionSource<T> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override void Run(Engine engine)
        {
            try { Result.TrySetResult(query(engine)); }
            catch (Exception e) { Result.TrySetException(e); }
        }
        public override void Fail(Exception e) => Result.TrySetException(new NodeStoppedException(e));
    }
}

/// <summary>What recovery did at start-up, and what it passed over or repaired (the server logs it, counts it in /metrics and shows it on /health/ready).</summary>
public sealed record RecoveryInfo(long SnapshotSequence, long BatchesReplayed, long Sequence, TimeSpan Elapsed, string StateHash)
{
    /// <summary>Snapshot files skipped because they did not verify, newest first: "path: why".</summary>
    public IReadOnlyList<string> SnapshotsRejected { get; init; } = [];

    /// <summary>What the file journal repaired or could not check at open (torn tail dropped, commit record damaged or missing).</summary>
    public IReadOnlyList<string> JournalNotes { get; init; } = [];

    /// <summary>Bytes of torn tail the file journal cut off at open (0: none).</summary>
    public long JournalTruncatedBytes { get; init; }

    /// <summary>After a restore that mapped the transfer-id table: whether its pages are being made the node's own beside the engine, or why not; null otherwise.</summary>
    public string? IdTable { get; init; }

    /// <summary>One line per thing an operator should know, for logs and /health/ready; empty after a clean start.</summary>
    public IEnumerable<string> Findings()
    {
        foreach (string s in SnapshotsRejected) yield return "snapshot skipped: " + s;
        foreach (string j in JournalNotes) yield return "journal: " + j;
    }
}

/// <summary>The sequencer queue is full; retry later (HTTP 503 + Retry-After).</summary>
public sealed class NodeBusyException(int capacity)
    : Exception($"the node's request queue is full ({capacity} requests waiting); retry shortly");

/// <summary>The node stopped on an unrecoverable error and accepts nothing more.</summary>
public sealed class NodeStoppedException(Exception cause)
    : Exception($"the node has stopped: {cause.Message}", cause);

/// <summary>
/// Blocks a dedicated thread (sequencer, engine) until a channel has data, without the spin-then-yield of
/// <c>Task.Wait</c>: on a 2-core machine the spinning waiter takes the core the producer needs.
/// </summary>
internal static class BlockingWait
{
    [ThreadStatic] private static ManualResetEventSlim? t_wake;
    [ThreadStatic] private static Action? t_set;

    /// <summary>True when data can be read, false when the channel completed.</summary>
    public static bool ForData<T>(ChannelReader<T> reader)
    {
        ValueTask<bool> pending = reader.WaitToReadAsync();
        if (pending.IsCompleted) return pending.GetAwaiter().GetResult();
        ManualResetEventSlim wake = t_wake ??= new ManualResetEventSlim(false, spinCount: 1);
        Action set = t_set ??= wake.Set;
        wake.Reset();
        ConfiguredValueTaskAwaitable<bool>.ConfiguredValueTaskAwaiter awaiter = pending.ConfigureAwait(false).GetAwaiter();
        awaiter.UnsafeOnCompleted(set);
        wake.Wait();
        return awaiter.GetResult();
    }
}
