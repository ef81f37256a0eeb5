using System.Runtime.CompilerServices;

namespace Corridor.Core.Ledger;

/// <summary>
/// Append-only list of structs stored in fixed chunks, so growth never copies (a 10M-transfer ledger
/// would otherwise move gigabytes on each doubling) and references stay stable.
/// </summary>
internal sealed class ChunkedList<T> where T : struct
{
    internal const int ChunkShift = 16;
    internal const int ChunkLength = 1 << ChunkShift;
    private const int ChunkMask = ChunkLength - 1;

    private T[][] _chunks = new T[16][];
    private int _count;

    public ChunkedList() { }

    /// <summary>Allocates chunks for <paramref name="capacity"/> items up front, so the hot path never
    /// allocates or first-touches memory (static allocation at start-up, as TigerBeetle does).</summary>
    public ChunkedList(int capacity)
    {
        int chunks = (int)(((long)capacity + ChunkLength - 1) >> ChunkShift);
        if (chunks > _chunks.Length) _chunks = new T[chunks][];
        for (int c = 0; c < chunks; c++) _chunks[c] = new T[ChunkLength];
    }

    public int Count => _count;

    public ref T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)index >= (uint)_count) ThrowIndex(index);
            return ref _chunks[index >> ChunkShift][index & ChunkMask];
        }
    }

    /// <summary>Appends a slot and returns it; callers overwrite the whole item (it may hold an old, truncated value).</summary>
    public ref T Add()
    {
        int chunk = _count >> ChunkShift;
        if (chunk == _chunks.Length) Array.Resize(ref _chunks, _chunks.Length * 2);
        int within = _count & ChunkMask;
        T[]? items = _chunks[chunk];
        if (items is null || within == items.Length) items = Grow(chunk);
        ref T slot = ref items[within];
        _count++;
        return ref slot;
    }

    /// <summary>
    /// Allocates chunk <paramref name="chunk"/>, or grows the first one: it starts at <see cref="FirstChunkLength"/> items
    /// and doubles up to <see cref="ChunkLength"/>, so a small state (a test, a simulated node) does not take megabytes
    /// per list. Indexing is unchanged: every chunk but the first is full-size from the start.
    /// </summary>
    private T[] Grow(int chunk)
    {
        T[]? items = _chunks[chunk];
        if (items is null) items = new T[chunk == 0 ? FirstChunkLength : ChunkLength];
        else Array.Resize(ref items, Math.Min(ChunkLength, items.Length * 2));
        _chunks[chunk] = items;
        return items;
    }

    internal const int FirstChunkLength = 256;

    /// <summary>
    /// Appends <paramref name="count"/> slots whose content the caller overwrites at once (a snapshot being read
    /// into <see cref="ChunkSpan"/>): new chunks are not zeroed first.
    /// </summary>
    public void AddUninitialized(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        long total = (long)_count + count;
        if (total > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(count), count, "the list would exceed int.MaxValue items");
        int chunks = (int)((total + ChunkLength - 1) >> ChunkShift);
        if (chunks > _chunks.Length) Array.Resize(ref _chunks, Math.Max(chunks, _chunks.Length * 2));
        for (int c = 0; c < chunks; c++)
        {
            T[]? items = _chunks[c];
            if (items is null) _chunks[c] = GC.AllocateUninitializedArray<T>(ChunkLength);
            else if (items.Length < ChunkLength) { Array.Resize(ref items, ChunkLength); _chunks[c] = items; } // a small first chunk (see Grow) becomes full-size
        }
        _count = (int)total;
    }

    /// <summary>Drops the tail back to <paramref name="count"/> items (undo of a failed linked chain).</summary>
    public void Truncate(int count)
    {
        if (count < 0 || count > _count) throw new ArgumentOutOfRangeException(nameof(count));
        _count = count;
    }

    /// <summary>The used part of each chunk, in order.</summary>
    public IEnumerable<ReadOnlyMemory<T>> Segments()
    {
        for (int start = 0; start < _count; start += ChunkLength)
        {
            int length = Math.Min(ChunkLength, _count - start);
            yield return new ReadOnlyMemory<T>(_chunks[start >> ChunkShift], 0, length);
        }
    }

    public Span<T> ChunkSpan(int chunk) =>
        _chunks[chunk].AsSpan(0, Math.Min(ChunkLength, _count - (chunk << ChunkShift)));

    private static void ThrowIndex(int index) => throw new ArgumentOutOfRangeException(nameof(index), index, "beyond the list");
}
