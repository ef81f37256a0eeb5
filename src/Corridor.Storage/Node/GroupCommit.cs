using System.Buffers;
using Corridor.Core.Engine;
using Corridor.Storage.Journal;

namespace Corridor.Storage.Node;

/// <summary>A request as the pipeline sees it: the command(s) it writes into a batch, and how many replies it gets back.</summary>
public interface IPipelineRequest
{
    /// <summary>Bytes its command(s) take in a batch body.</summary>
    int EncodedBytes { get; }

    /// <summary>Commands it writes (the engine answers each with one reply, in order).</summary>
    int Commands { get; }

    /// <summary>Writes its command(s) at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    int Write(Span<byte> destination);
}

/// <summary>
/// One group commit on its way through the pipeline: the requests grouped, the batch body, then the sequence and timestamp
/// it was journaled under, and the engine's replies (one per command, in request order).
/// </summary>
public sealed class CommitBatch<T> where T : class, IPipelineRequest
{
    private byte[]? _buffer;

    internal CommitBatch(List<T> requests, byte[] buffer, int bytes)
    {
        Requests = requests;
        _buffer = buffer;
        Bytes = bytes;
    }

    public List<T> Requests { get; }
    public int Bytes { get; }

    /// <summary>Test only: a bug planted in this batch's steps (the simulator's; internal, the node cannot set it).</summary>
    internal PlantedPipelineBug Planted { get; init; }
    public long Sequence { get; internal set; }
    public ulong TimestampNs { get; internal set; }
    public PipelineStage Stage { get; internal set; } = PipelineStage.Grouped;

    /// <summary>
    /// Whether the journal holds the batch durably (synced). A batch written and not yet synced may be applied meanwhile, but
    /// is acknowledged only once this is true.
    /// </summary>
    public bool Durable { get; internal set; }

    /// <summary>The batch body (until <see cref="Release"/>).</summary>
    public ReadOnlySpan<byte> Body => (_buffer ?? throw new ObjectDisposedException(nameof(CommitBatch<T>))).AsSpan(0, Bytes);

    /// <summary>Returns the body's pooled buffer (after the batch was applied, or when it is abandoned).</summary>
    public void Release()
    {
        if (_buffer is { } b) ArrayPool<byte>.Shared.Return(b);
        _buffer = null;
    }
}

/// <summary>
/// A bug planted in the pipeline on purpose, to prove the fault simulator (<c>corridor simulate faults --planted-bug</c>) finds
/// it. Internal: only Corridor.Simulation and its tests see it (InternalsVisibleTo); no option of the node reaches it.
/// </summary>
internal enum PlantedPipelineBug
{
    None,
    /// <summary>
    /// The journal step writes the batch but returns before its fsync (a file journal's batch is synced only with a later
    /// one), so the batch is applied and acknowledged while it lives only in the page cache.
    /// </summary>
    AcknowledgeBeforeSync,
    /// <summary>Acknowledging hands each request of a batch of several the answer of the next request (an off-by-one in routing).</summary>
    MisroutedReplies,
}

/// <summary>Where a batch stands: each stage is done when the batch is in it.</summary>
public enum PipelineStage
{
    /// <summary>Requests merged into one body; nothing durable, nothing answered.</summary>
    Grouped,
    /// <summary>
    /// Written to the journal (<see cref="IJournal.Write"/>): it may be applied while its sync (<see cref="GroupCommit.Sync"/>)
    /// runs, and is acknowledged only once <see cref="CommitBatch{T}.Durable"/>. The sync does not move the stage.
    /// </summary>
    Written,
    /// <summary>Appended to the journal: written and synced (<see cref="IJournal.Append"/> returns only after fsync/COMMIT).</summary>
    Journaled,
    /// <summary>
    /// Applied by the engine: the replies exist, none released yet. Applied from <see cref="Written"/>, the batch may still
    /// wait for its sync (<see cref="CommitBatch{T}.Durable"/>): until then nothing may read the engine.
    /// </summary>
    Applied,
    /// <summary>The replies released to the clients (the caller's step): from here the batch must survive anything.</summary>
    Acknowledged,
}

/// <summary>
/// The node's write pipeline as steps, with no thread, queue or clock of its own: the one deterministic core that
/// <see cref="Node"/>'s sequencer and engine threads run, and that the fault simulator (<c>corridor simulate faults</c>)
/// steps through, crashing between any two steps. <see cref="Group"/> merges waiting requests into one batch within the
/// bounds (group commit); <see cref="Journal"/> appends it under the next sequence and the clock's timestamp (written and
/// synced before it returns) — or <see cref="Write"/> and <see cref="Sync"/> do it in two steps, so that <see cref="Apply"/>
/// can apply it in the engine while the disk syncs it; the caller then acknowledges (releases the replies) once the batch
/// is both applied and durable, never before — so nothing undurable is ever answered, and a batch is applied once, in sequence.
/// </summary>
public static class GroupCommit
{
    /// <summary>Takes the next waiting request (false when none waits now).</summary>
    public delegate bool TryNext<T>(out T? request);

    /// <summary>
    /// Groups <paramref name="first"/> and the requests <paramref name="next"/> yields, in order, while the batch stays within
    /// <see cref="NodeOptions.MaxBatchBytes"/> and <see cref="NodeOptions.MaxRequestsPerBatch"/> (a first request larger than
    /// the byte bound goes alone). The request taken that did not fit is returned in <paramref name="carry"/>: it opens the
    /// next batch.
    /// </summary>
    public static CommitBatch<T> Group<T>(NodeOptions options, T first, TryNext<T> next, out T? carry) where T : class, IPipelineRequest
        => Group(options, first, next, out carry, PlantedPipelineBug.None);

    /// <summary>As <see cref="Group{T}(NodeOptions, T, TryNext{T}, out T)"/>, with a bug planted in the batch's steps (the simulator's only).</summary>
    internal static CommitBatch<T> Group<T>(NodeOptions options, T first, TryNext<T> next, out T? carry, PlantedPipelineBug planted) where T : class, IPipelineRequest
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(options.MaxBatchBytes, first.EncodedBytes));
        var requests = new List<T>(16);
        int used = 0;
        T? c = first;
        while (c is not null)
        {
            int size = c.EncodedBytes;
            if (requests.Count > 0 && (used + size > options.MaxBatchBytes || requests.Count >= options.MaxRequestsPerBatch)) break;
            used += c.Write(buffer.AsSpan(used));
            requests.Add(c);
            c = next(out T? n) ? n : null;
        }
        carry = c;
        return new CommitBatch<T>(requests, buffer, used) { Planted = planted };
    }

    /// <summary>Appends the batch under the journal's next sequence, stamped by <paramref name="clock"/>: durable when this returns.</summary>
    public static void Journal<T>(IJournal journal, Func<ulong> clock, CommitBatch<T> batch) where T : class, IPipelineRequest
    {
        Write(journal, clock, batch);
        Sync(journal, batch);
        batch.Stage = PipelineStage.Journaled;
    }

    /// <summary>
    /// The first half of <see cref="Journal"/>: writes the batch under the journal's next sequence, stamped by
    /// <paramref name="clock"/>, without waiting for the disk. It may be applied from here; <see cref="Sync"/> makes it durable.
    /// </summary>
    public static void Write<T>(IJournal journal, Func<ulong> clock, CommitBatch<T> batch) where T : class, IPipelineRequest
    {
        if (batch.Stage != PipelineStage.Grouped) throw new InvalidOperationException($"batch {batch.Sequence} journaled twice");
        batch.Sequence = journal.LastSequence + 1;
        batch.TimestampNs = clock();
        journal.Write(batch.Sequence, batch.TimestampNs, batch.Body);
        batch.Stage = PipelineStage.Written;
    }

    /// <summary>
    /// The second half of <see cref="Journal"/>: makes the written batch durable, before or after it was applied — on another
    /// thread than <see cref="Apply"/>'s, so it sets only <see cref="CommitBatch{T}.Durable"/>, never the stage. Durable when
    /// this returns; a batch applied before a sync that throws must never be acknowledged, nor the engine read again.
    /// </summary>
    public static void Sync<T>(IJournal journal, CommitBatch<T> batch) where T : class, IPipelineRequest
    {
        if (batch.Durable || batch.Stage is not (PipelineStage.Written or PipelineStage.Applied))
            throw new InvalidOperationException($"batch {batch.Sequence} at {batch.Stage} cannot be synced (write it first, sync it once)");
        if (batch.Planted == PlantedPipelineBug.AcknowledgeBeforeSync && journal is FileJournal file) file.CompleteWithoutSync();
        else journal.Sync();
        batch.Durable = true;
    }

    /// <summary>
    /// Applies the journaled batch — or the written one whose sync is still running (never one not written, never twice);
    /// <paramref name="replies"/> receives one reply per
    /// command, in request order. Throws when the engine answers another number of commands (and, from the engine, when it is
    /// not at the batch's predecessor).
    /// </summary>
    public static void Apply<T>(Engine engine, CommitBatch<T> batch, List<CommandReply> replies) where T : class, IPipelineRequest
    {
        if (batch.Stage is not (PipelineStage.Journaled or PipelineStage.Written))
            throw new InvalidOperationException($"batch at {batch.Stage} cannot be applied (journal it first, apply it once)");
        replies.Clear();
        engine.Apply(batch.Sequence, batch.TimestampNs, batch.Body, replies);
        int commands = 0;
        foreach (T r in batch.Requests) commands += r.Commands;
        if (replies.Count != commands) throw new InvalidOperationException($"batch {batch.Sequence}: {replies.Count} replies for {commands} commands");
        batch.Stage = PipelineStage.Applied;
    }

    /// <summary>Marks the batch acknowledged (the caller releases the replies right after); only an applied batch may be.</summary>
    public static void Acknowledge<T>(CommitBatch<T> batch) where T : class, IPipelineRequest
    {
        if (batch.Stage != PipelineStage.Applied || !batch.Durable)
            throw new InvalidOperationException($"batch {batch.Sequence} acknowledged at {batch.Stage}{(batch.Durable ? "" : ", not durable")}");
        batch.Stage = PipelineStage.Acknowledged;
    }

    /// <summary>
    /// Marks the batch acknowledged and routes the engine's <paramref name="replies"/> (one per command, in order, from
    /// <see cref="Apply"/>) to its requests: <paramref name="answers"/> receives one answer per request, in request order —
    /// the reply to its last command (a request of several commands, such as a simulated setup, is answered by its last).
    /// </summary>
    public static void Acknowledge<T>(CommitBatch<T> batch, List<CommandReply> replies, List<CommandReply> answers) where T : class, IPipelineRequest
    {
        Acknowledge(batch);
        answers.Clear();
        int reply = 0;
        foreach (T r in batch.Requests)
        {
            reply += r.Commands;
            answers.Add(replies[reply - 1]);
        }
        if (batch.Planted == PlantedPipelineBug.MisroutedReplies && answers.Count > 1)
        {
            CommandReply first = answers[0];
            for (int i = 0; i < answers.Count - 1; i++) answers[i] = answers[i + 1];
            answers[^1] = first;
        }
    }
}
