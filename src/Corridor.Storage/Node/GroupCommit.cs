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
    public long Sequence { get; internal set; }
    public ulong TimestampNs { get; internal set; }
    public PipelineStage Stage { get; internal set; } = PipelineStage.Grouped;

    /// <summary>The batch body (until <see cref="Release"/>).</summary>
    public ReadOnlySpan<byte> Body => (_buffer ?? throw new ObjectDisposedException(nameof(CommitBatch<T>))).AsSpan(0, Bytes);

    /// <summary>Returns the body's pooled buffer (after the batch was applied, or when it is abandoned).</summary>
    public void Release()
    {
        if (_buffer is { } b) ArrayPool<byte>.Shared.Return(b);
        _buffer = null;
    }
}

/// <summary>Where a batch stands: each stage is done when the batch is in it.</summary>
public enum PipelineStage
{
    /// <summary>Requests merged into one body; nothing durable, nothing answered.</summary>
    Grouped,
    /// <summary>Appended to the journal: written and synced (<see cref="IJournal.Append"/> returns only after fsync/COMMIT).</summary>
    Journaled,
    /// <summary>Applied by the engine: the replies exist, none released yet.</summary>
    Applied,
    /// <summary>The replies released to the clients (the caller's step): from here the batch must survive anything.</summary>
    Acknowledged,
}

/// <summary>
/// The node's write pipeline as steps, with no thread, queue or clock of its own: the one deterministic core that
/// <see cref="Node"/>'s sequencer and engine threads run, and that the fault simulator (<c>corridor simulate faults</c>)
/// steps through, crashing between any two steps. <see cref="Group"/> merges waiting requests into one batch within the
/// bounds (group commit); <see cref="Journal"/> appends it under the next sequence and the clock's timestamp (written and
/// synced before it returns); <see cref="Apply"/> applies it in the engine; the caller then acknowledges (releases the
/// replies), never before — so nothing undurable is ever answered, and a batch is applied once, in sequence.
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
        return new CommitBatch<T>(requests, buffer, used);
    }

    /// <summary>Appends the batch under the journal's next sequence, stamped by <paramref name="clock"/>: durable when this returns.</summary>
    public static void Journal<T>(IJournal journal, Func<ulong> clock, CommitBatch<T> batch) where T : class, IPipelineRequest
    {
        if (batch.Stage != PipelineStage.Grouped) throw new InvalidOperationException($"batch {batch.Sequence} journaled twice");
        batch.Sequence = journal.LastSequence + 1;
        batch.TimestampNs = clock();
        journal.Append(batch.Sequence, batch.TimestampNs, batch.Body);
        batch.Stage = PipelineStage.Journaled;
    }

    /// <summary>
    /// Applies the journaled batch (never one not journaled, never twice); <paramref name="replies"/> receives one reply per
    /// command, in request order. Throws when the engine answers another number of commands (and, from the engine, when it is
    /// not at the batch's predecessor).
    /// </summary>
    public static void Apply<T>(Engine engine, CommitBatch<T> batch, List<CommandReply> replies) where T : class, IPipelineRequest
    {
        if (batch.Stage != PipelineStage.Journaled) throw new InvalidOperationException($"batch at {batch.Stage} cannot be applied (journal it first, apply it once)");
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
        if (batch.Stage != PipelineStage.Applied) throw new InvalidOperationException($"batch {batch.Sequence} acknowledged at {batch.Stage}");
        batch.Stage = PipelineStage.Acknowledged;
    }
}
