namespace Corridor.Storage.Journal;

/// <summary>Bounds of a <see cref="FileJournal"/>: segment size and largest batch body.</summary>
public sealed record FileJournalOptions
{
    public const long DefaultSegmentBytes = 512L * 1024 * 1024;
    public const int DefaultMaxBatchBytes = 64 * 1024 * 1024;

    /// <summary>A segment is closed and a new one started when the next batch would take it past this size.</summary>
    public long SegmentBytes { get; init; } = DefaultSegmentBytes;

    /// <summary>Largest body <see cref="FileJournal.Append"/> accepts; larger bodies throw <see cref="ArgumentException"/>.</summary>
    public int MaxBatchBytes { get; init; } = DefaultMaxBatchBytes;

    /// <summary>
    /// True (default): <see cref="FileJournal.Open"/> hashes every body of every segment, so open costs a
    /// read of the whole journal. False: only the last segment's bodies are hashed at open; headers,
    /// CRCs, sequences and the hash chain are still checked everywhere, and every body is hashed when
    /// <see cref="FileJournal.Read"/> yields it, so a replay still never applies an unverified batch.
    /// </summary>
    public bool VerifyBodiesOnOpen { get; init; } = true;

    /// <summary>
    /// False (default): the commit record (<c>journal.commit</c>) is written after each batch's fdatasync and made durable
    /// at the next segment roll, at close and by the kernel's writeback: a process crash loses none of it, a power loss may
    /// leave it a few seconds behind (it then attests fewer batches; it never claims one that was not durable). True: it is
    /// fdatasync'd before every <see cref="FileJournal.Append"/> returns (a second sync per batch).
    /// </summary>
    public bool SyncCommitRecord { get; init; }

    /// <summary>Default <see cref="PrepareStepBytes"/>: 1 MiB.</summary>
    public const int DefaultPrepareStepBytes = 1024 * 1024;

    /// <summary>
    /// Zeros written and synced ahead of the appends in the current segment, this many bytes at a time (default 1 MiB; 0
    /// turns it off). A batch written into prepared space leaves the file's size and blocks as they were, so its fdatasync
    /// stores only the data; appended past the end of the file it also commits the file system's journal (the new size and
    /// blocks). Only batches of at most a sixty-fourth of the step (16 KiB of the default) are worth a step (a larger one is
    /// appended as it is): zeros cost a write of their own (≈ 2 ms per MiB with its sync on the machine measured), more than
    /// the file system's journal commit they save for a batch of more than a few tens of KiB. A segment is cut back to its
    /// last batch when it is closed; after a crash the zeros after the last batch are the prepared space, not a torn write
    /// (<see cref="FileJournal.Open"/> cuts them off without a note). Negative values are refused by <see cref="FileJournal.Open"/>.
    /// </summary>
    public int PrepareStepBytes { get; init; } = DefaultPrepareStepBytes;
}

/// <summary>What <see cref="FileJournal.Open"/> found and repaired: batches recovered and the torn tail it dropped.</summary>
public sealed record JournalRecoveryReport(
    int Segments,
    long Batches,
    long FirstSequence,
    long LastSequence,
    long TruncatedBytes,
    string? TruncatedFile,
    long TruncatedAtOffset,
    string? TornReason,
    string? CommitNote = null)
{
    /// <summary>Lines an operator should see (log, /health/ready): the torn tail dropped and what the commit record said; empty when the journal was clean.</summary>
    public IReadOnlyList<string> Notes
    {
        get
        {
            var notes = new List<string>(2);
            if (TruncatedBytes > 0) notes.Add($"dropped a torn tail of {TruncatedBytes} bytes at byte {TruncatedAtOffset} of {TruncatedFile} ({TornReason}), past the last acknowledged batch");
            if (CommitNote is not null) notes.Add(CommitNote);
            return notes;
        }
    }

    public override string ToString() => TruncatedBytes == 0
        ? $"journal recovered: {Batches} batches ({FirstSequence}..{LastSequence}) in {Segments} segments, no torn tail"
        : $"journal recovered: {Batches} batches ({FirstSequence}..{LastSequence}) in {Segments} segments; dropped a torn tail of {TruncatedBytes} bytes at byte {TruncatedAtOffset} of {TruncatedFile} ({TornReason}), a batch never acknowledged";
}

/// <summary>How bad a journal problem is: a torn tail is repaired at open, corruption stops the node.</summary>
public enum JournalProblemKind
{
    /// <summary>An incomplete or damaged record at the very end of the last segment, nothing valid after it: an unacknowledged write.</summary>
    TornTail = 1,
    /// <summary>Damage before the tail, a gap, a broken chain or an unreadable format: the journal cannot be trusted.</summary>
    Corrupt = 2,
}

/// <summary>The first problem found in a journal: where (file, byte offset, batch sequence expected there) and what.</summary>
public sealed record JournalProblem(JournalProblemKind Kind, string File, long Offset, long Sequence, string Message)
{
    public override string ToString() => $"{Kind}: {File} at byte {Offset}, batch {Sequence}: {Message}";
}

/// <summary>
/// Result of <see cref="FileJournal.Verify"/>: what a read-only check of every batch found. <see cref="Bytes"/>
/// counts the bytes of verified batches (headers and bodies); a torn tail is counted apart.
/// </summary>
public sealed record JournalVerifyResult(
    int Segments,
    long Batches,
    long FirstSequence,
    long LastSequence,
    string LastHashHex,
    long Bytes,
    long TornTailBytes,
    JournalProblem? Problem,
    string? CommitNote = null)
{
    /// <summary>Every byte of every segment is a verified batch.</summary>
    public bool IsIntact => Problem is null;

    /// <summary>The only problem is a torn tail, which <see cref="FileJournal.Open"/> drops.</summary>
    public bool ProblemIsTornTail => Problem is { Kind: JournalProblemKind.TornTail };

    /// <summary>Open would succeed (possibly dropping a torn tail).</summary>
    public bool IsRecoverable => Problem is null || ProblemIsTornTail;
}
