using System.Runtime.CompilerServices;

namespace Corridor.Core.Ledger;

/// <summary>
/// Append-only list of structs stored in fixed chunks, so growth never copies (a 10M-transfer ledger
/// would otherwise move gigabytes on each doubling) and references stay stable.
/// <see cref="Freeze"/> hands out a read-only view of the items so far, for another thread to read while the owner goes
/// on: the view shares the chunks, and the owner copies a chunk before its first write to it (<see cref="Mut"/>) while the
/// view is in use (copy on write, at most once per chunk per view). Appends need no copy: the view never reads past its count.
/// </summary>
internal sealed class ChunkedList<T> where T : struct
{
    internal const int ChunkShift = 16;
    internal const int ChunkLength = 1 << ChunkShift;
    private const int ChunkMask = ChunkLength - 1;

    private T[][] _chunks = new T[16][];
    private int[] _owned = new int[16]; // the epoch in which the owner last made chunk c its own; != _epoch: maybe shared with a view
    private int _epoch;
    private ChunkedView<T>? _view;
    private int _count;

    public ChunkedList() { }

    /// <summary>Allocates chunks for <paramref name="capacity"/> items up front, so the hot path never
    /// allocates or first-touches memory (static allocation at start-up, as TigerBeetle does).</summary>
    public ChunkedList(int capacity)
    {
        int chunks = (int)(((long)capacity + ChunkLength - 1) >> ChunkShift);
        if (chunks > _chunks.Length) GrowTable(chunks);
        for (int c = 0; c < chunks; c++) _chunks[c] = new T[ChunkLength];
    }

    public int Count => _count;

    /// <summary>Reads item <paramref name="index"/>.</summary>
    public ref readonly T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)index >= (uint)_count) ThrowIndex(index);
            return ref _chunks[index >> ChunkShift][index & ChunkMask];
        }
    }

    /// <summary>Item <paramref name="index"/> to write: its chunk is copied first if a view still reads it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Mut(int index)
    {
        if ((uint)index >= (uint)_count) ThrowIndex(index);
        int chunk = index >> ChunkShift;
        if (_owned[chunk] != _epoch) Own(chunk);
        return ref _chunks[chunk][index & ChunkMask];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Own(int chunk)
    {
        if (_view is { Released: false }) _chunks[chunk] = (T[])_chunks[chunk].Clone();
        _owned[chunk] = _epoch;
    }

    /// <summary>A view of the items now, to read on the owner's thread before the list changes again (nothing is copied on write for it).</summary>
    public ChunkedView<T> View()
    {
        int chunks = (int)(((long)_count + ChunkLength - 1) >> ChunkShift);
        var shared = new T[chunks][];
        Array.Copy(_chunks, shared, chunks);
        var view = new ChunkedView<T>(shared, _count);
        view.Release();
        return view;
    }

    /// <summary>
    /// A view of the items so far that stays as it is while this list goes on changing; release it when done (after that the
    /// owner writes in place again). Only the owner's thread calls this, at most one view at a time.
    /// </summary>
    public ChunkedView<T> Freeze()
    {
        if (_view is { Released: false }) throw new InvalidOperationException("a view of this list is still in use");
        int chunks = (int)(((long)_count + ChunkLength - 1) >> ChunkShift);
        var shared = new T[chunks][];
        Array.Copy(_chunks, shared, chunks);
        _epoch++;
        return _view = new ChunkedView<T>(shared, _count);
    }

    /// <summary>Appends a slot and returns it; callers overwrite the whole item (it may hold an old, truncated value).</summary>
    public ref T Add()
    {
        int chunk = _count >> ChunkShift;
        if (chunk == _chunks.Length) GrowTable(_chunks.Length * 2);
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
        else Array.Resize(ref items, Math.Min(ChunkLength, items.Length * 2)); // a new array: a view keeps the old one
        _chunks[chunk] = items;
        _owned[chunk] = _epoch;
        return items;
    }

    private void GrowTable(int chunks)
    {
        Array.Resize(ref _chunks, chunks);
        Array.Resize(ref _owned, chunks);
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
        if (chunks > _chunks.Length) GrowTable(Math.Max(chunks, _chunks.Length * 2));
        for (int c = 0; c < chunks; c++)
        {
            T[]? items = _chunks[c];
            if (items is null) { _chunks[c] = GC.AllocateUninitializedArray<T>(ChunkLength); _owned[c] = _epoch; }
            else if (items.Length < ChunkLength) { Array.Resize(ref items, ChunkLength); _chunks[c] = items; _owned[c] = _epoch; } // a small first chunk (see Grow) becomes full-size
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

    /// <summary>The used part of chunk <paramref name="chunk"/> to read.</summary>
    public ReadOnlySpan<T> ChunkReadSpan(int chunk) => _chunks[chunk].AsSpan(0, Math.Min(ChunkLength, _count - (chunk << ChunkShift)));

    /// <summary>The used part of chunk <paramref name="chunk"/> to fill (a snapshot being read into a new list; no view exists).</summary>
    public Span<T> ChunkSpan(int chunk)
    {
        if (_owned[chunk] != _epoch) Own(chunk);
        return _chunks[chunk].AsSpan(0, Math.Min(ChunkLength, _count - (chunk << ChunkShift)));
    }

    private static void ThrowIndex(int index) => throw new ArgumentOutOfRangeException(nameof(index), index, "beyond the list");
}

/// <summary>
/// A read-only view of a <see cref="ChunkedList{T}"/> as it was when frozen, safe to read from any thread while the list's
/// owner goes on. <see cref="Release"/> it when done, so the owner stops copying chunks for it.
/// </summary>
internal sealed class ChunkedView<T>(T[][] chunks, int count) where T : struct
{
    private volatile bool _released;

    public int Count { get; } = count;

    public bool Released => _released;

    public void Release() => _released = true;

    public ref readonly T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, "beyond the view");
            return ref chunks[index >> ChunkedList<T>.ChunkShift][index & (ChunkedList<T>.ChunkLength - 1)];
        }
    }

    /// <summary>The items of each chunk, in order.</summary>
    public IEnumerable<ReadOnlyMemory<T>> Segments()
    {
        for (int start = 0; start < Count; start += ChunkedList<T>.ChunkLength)
            yield return new ReadOnlyMemory<T>(chunks[start >> ChunkedList<T>.ChunkShift], 0, Math.Min(ChunkedList<T>.ChunkLength, Count - start));
    }
}
