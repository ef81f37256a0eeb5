namespace Corridor.Storage.Journal;

/// <summary>
/// A durable, ordered, hash-chained log of batches: the source of truth from which engine state is
/// rebuilt. Implementations: <c>FileJournal</c> (embedded default), PostgreSQL (production).
/// </summary>
public interface IJournal : IDisposable
{
    /// <summary>Sequence of the last durable batch; 0 when the journal is empty.</summary>
    long LastSequence { get; }

    /// <summary>Chain hash of the last batch (SHA-256, 32 bytes); 32 zero bytes when empty.</summary>
    byte[] LastHash { get; }

    /// <summary>
    /// Appends batch <paramref name="sequence"/> (must be <see cref="LastSequence"/> + 1) and returns
    /// only once it is durable (written and fsync'd / committed). Not thread-safe: one writer.
    /// </summary>
    void Append(long sequence, ulong timestampNs, ReadOnlySpan<byte> body);

    /// <summary>
    /// The first half of <see cref="Append"/>: writes batch <paramref name="sequence"/> (<see cref="LastSequence"/> + 1) without
    /// waiting for it to be durable; <see cref="Sync"/> is the second half, and nothing of the batch counts (<see cref="LastSequence"/>,
    /// readers) before it returns. A journal that cannot split the two makes the batch durable here (the default).
    /// </summary>
    void Write(long sequence, ulong timestampNs, ReadOnlySpan<byte> body) => Append(sequence, timestampNs, body);

    /// <summary>Makes the batch <see cref="Write"/> wrote durable; returns once it is. A no-op when it already is (the default).</summary>
    void Sync() { }

    /// <summary>Batches with sequence &gt; <paramref name="afterSequence"/>, in order, each verified.</summary>
    IEnumerable<JournalBatch> Read(long afterSequence);
}

/// <summary>One batch as stored: its place, engine time, command bytes and chain hashes.</summary>
public sealed record JournalBatch(long Sequence, ulong TimestampNs, byte[] Body, byte[] Hash, byte[] PreviousHash);

/// <summary>The journal cannot be trusted: corruption before its tail, a broken chain, or a gap.</summary>
public sealed class JournalCorruptException(string message) : Exception(message);
