using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Corridor.Core.Ledger;

/// <summary>
/// Append-only list of structs stored in fixed chunks, so growth never copies (a 10M-transfer ledger
/// would otherwise move gigabytes on each doubling) and references stay stable.
/// A chunk is either a pinned array of the GC heap or memory handed in by whoever restored the list
/// (<see cref="AttachMapped"/>: a snapshot file mapped copy-on-write by the storage layer, whose pages are the file's
/// and need no fresh memory); items are reached through each chunk's address, the same way for both.
/// <see cref="Freeze"/> hands out a read-only view of the items so far, for another thread to read while the owner goes
/// on: the view shares the chunks, and the owner copies a chunk before its first write to it (<see cref="Mut"/>) while the
/// view is in use (copy on write, at most once per chunk per view). Appends need no copy: the view never reads past its count.
/// </summary>
internal sealed unsafe class ChunkedList<T> where T : unmanaged
{
    internal const int ChunkShift = 16;
    internal const int ChunkLength = 1 << ChunkShift;
    private const int ChunkMask = ChunkLength - 1;
    internal const int FirstChunkLength = 256;

    private T[]?[] _arrays = new T[16][]; // the GC-heap chunks (pinned), kept alive here; null for a mapped chunk
    private nint[] _chunks = new nint[16]; // address of each chunk's first item; 0: not allocated
    private int[] _owned = new int[16]; // the epoch in which the owner last made chunk c its own; != _epoch: maybe shared with a view
    private int _firstLength; // items chunk 0 holds (it starts small, see Grow); every other chunk holds ChunkLength
    private int _epoch;
    private ChunkedView<T>? _view;
    private int _count;
    private object? _mapping; // keeps mapped chunks' memory alive

    public ChunkedList() { }

    /// <summary>Allocates chunks for <paramref name="capacity"/> items up front, so the hot path never
    /// allocates or first-touches memory (static allocation at start-up, as TigerBeetle does).</summary>
    public ChunkedList(int capacity)
    {
        int chunks = (int)(((long)capacity + ChunkLength - 1) >> ChunkShift);
        if (chunks > _chunks.Length) GrowTable(chunks);
        for (int c = 0; c < chunks; c++) SetChunk(c, NewChunk(ChunkLength, zeroed: true));
        if (chunks > 0) _firstLength = ChunkLength;
    }

    public int Count => _count;

    /// <summary>Chunks holding items.</summary>
    public int ChunkCount => (int)(((long)_count + ChunkLength - 1) >> ChunkShift);

    /// <summary>Reads item <paramref name="index"/>.</summary>
    public ref readonly T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)index >= (uint)_count) ThrowIndex(index);
            return ref Unsafe.AsRef<T>((T*)_chunks[index >> ChunkShift] + (index & ChunkMask));
        }
    }

    /// <summary>Item <paramref name="index"/> to write: its chunk is copied first if a view still reads it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Mut(int index)
    {
        if ((uint)index >= (uint)_count) ThrowIndex(index);
        int chunk = index >> ChunkShift;
        if (_owned[chunk] != _epoch) Own(chunk);
        return ref Unsafe.AsRef<T>((T*)_chunks[chunk] + (index & ChunkMask));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Own(int chunk)
    {
        if (_view is { Released: false })
        {
            // Only the items in use are copied: slots past the count are overwritten by whoever appends them (see Add), and a
            // last chunk just begun, or a first chunk sized for a restore, is mostly such slots.
            int length = chunk == 0 ? _firstLength : ChunkLength;
            T[] copy = NewChunk(length, zeroed: false);
            new ReadOnlySpan<T>((T*)_chunks[chunk], Math.Min(length, _count - (chunk << ChunkShift))).CopyTo(copy);
            SetChunk(chunk, copy);
        }
        _owned[chunk] = _epoch;
    }

    /// <summary>A view of the items now, to read on the owner's thread before the list changes again (nothing is copied on write for it).</summary>
    public ChunkedView<T> View()
    {
        ChunkedView<T> view = NewView();
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
        ChunkedView<T> view = NewView();
        _epoch++;
        return _view = view;
    }

    private ChunkedView<T> NewView()
    {
        int chunks = ChunkCount;
        var arrays = new T[]?[chunks];
        var addresses = new nint[chunks];
        Array.Copy(_arrays, arrays, chunks);
        Array.Copy(_chunks, addresses, chunks);
        return new ChunkedView<T>(arrays, addresses, _count, _mapping);
    }

    /// <summary>Appends a slot and returns it; callers overwrite the whole item (it may hold an old, truncated value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Add()
    {
        int chunk = _count >> ChunkShift;
        int within = _count & ChunkMask;
        if (chunk >= _chunks.Length || _chunks[chunk] == 0 || (chunk == 0 && within == _firstLength)) Grow(chunk);
        if (within == ChunkLength / 2) PrepareNext(chunk + 1);
        ref T slot = ref Unsafe.AsRef<T>((T*)_chunks[chunk] + within);
        _count++;
        return ref slot;
    }

    /// <summary>
    /// Halfway through a full chunk, the next one is allocated (unless it exists) and its pages are faulted in by
    /// <see cref="Engine.FreshPages"/>' thread, so the appends that reach it do not stop for a page fault at every 4 KiB.
    /// Its slots are not zeroed: appends overwrite whole items.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PrepareNext(int chunk)
    {
        if (!Engine.FreshPages.Active) return;
        if (chunk >= _chunks.Length) GrowTable(_chunks.Length * 2);
        if (_chunks[chunk] == 0)
        {
            SetChunk(chunk, NewChunk(ChunkLength, zeroed: false));
            _owned[chunk] = _epoch;
        }
        if (_arrays[chunk] is { } items) Engine.FreshPages.Ahead(items); // a mapped chunk is the file's: nothing to fault in ahead
    }

    /// <summary>
    /// Allocates chunk <paramref name="chunk"/>, or grows the first one: it starts at <see cref="FirstChunkLength"/> items
    /// and doubles up to <see cref="ChunkLength"/>, so a small state (a test, a simulated node) does not take megabytes
    /// per list. Indexing is unchanged: every chunk but the first is full-size from the start.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int chunk)
    {
        if (chunk >= _chunks.Length) GrowTable(_chunks.Length * 2);
        if (_chunks[chunk] == 0)
        {
            int length = chunk == 0 ? FirstChunkLength : ChunkLength;
            SetChunk(chunk, NewChunk(length, zeroed: true));
            if (chunk == 0) _firstLength = length;
        }
        else ResizeFirst(Math.Min(ChunkLength, _firstLength * 2)); // a new array: a view keeps the old one
        _owned[chunk] = _epoch;
    }

    private void ResizeFirst(int length)
    {
        T[] items = NewChunk(length, zeroed: true);
        new ReadOnlySpan<T>((T*)_chunks[0], _firstLength).CopyTo(items);
        SetChunk(0, items);
        _firstLength = length;
        _owned[0] = _epoch;
    }

    /// <summary>The length of a first chunk that must hold <paramref name="items"/> items: a power of two, as <see cref="Grow"/> doubles it.</summary>
    private static int FirstLengthFor(int items) =>
        Math.Max(FirstChunkLength, (int)Math.Min(ChunkLength, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)items)));

    private void GrowTable(int chunks)
    {
        Array.Resize(ref _arrays, chunks);
        Array.Resize(ref _chunks, chunks);
        Array.Resize(ref _owned, chunks);
    }

    private static T[] NewChunk(int length, bool zeroed) =>
        zeroed ? GC.AllocateArray<T>(length, pinned: true) : GC.AllocateUninitializedArray<T>(length, pinned: true);

    private void SetChunk(int chunk, T[] items)
    {
        _arrays[chunk] = items;
        _chunks[chunk] = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(items));
    }

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
        // A first chunk holds what the list needs (as Grow and AttachMapped size it), not a full chunk: a small state restored
        // then copies kilobytes, not megabytes, at its first write after each snapshot's freeze.
        int first = chunks > 1 ? ChunkLength : FirstLengthFor((int)total);
        for (int c = 0; c < chunks; c++)
        {
            int length = c == 0 ? first : ChunkLength;
            if (_chunks[c] == 0) { SetChunk(c, NewChunk(length, zeroed: false)); _owned[c] = _epoch; if (c == 0) _firstLength = length; }
            else if (c == 0 && _firstLength < length) ResizeFirst(length);
        }
        _count = (int)total;
    }

    /// <summary>
    /// Makes this empty list hold the <paramref name="count"/> items stored contiguously at <paramref name="items"/> (a section of a
    /// snapshot that the storage layer mapped copy-on-write: writes to it stay private to this process), kept alive by
    /// <paramref name="owner"/>. Every full chunk is used where it lies; a last, partial chunk is copied into a chunk of the
    /// GC heap, as appends go on from there and must not write past the section.
    /// </summary>
    public void AttachMapped(int count, byte* items, object owner)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var full = new nint[count >> ChunkShift];
        for (int c = 0; c < full.Length; c++) full[c] = (nint)((T*)items + ((long)c << ChunkShift));
        AttachChunks(count, full, (byte*)((T*)items + ((long)full.Length << ChunkShift)), owner);
    }

    /// <summary>
    /// Makes this empty list hold <paramref name="count"/> items whose full chunks lie at <paramref name="fullChunks"/> (each
    /// <see cref="ChunkLength"/> items: pieces of snapshot files the storage layer mapped copy-on-write, e.g. a delta's changed
    /// chunks and its base's unchanged ones), kept alive by <paramref name="owner"/>; the last, partial chunk (at
    /// <paramref name="last"/>) is copied into a chunk of the GC heap, as appends go on from there.
    /// </summary>
    public void AttachChunks(int count, ReadOnlySpan<nint> fullChunks, byte* last, object owner)
    {
        if (_count != 0) throw new InvalidOperationException("only an empty list takes mapped items");
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int full = count >> ChunkShift;
        if (fullChunks.Length != full) throw new ArgumentException($"{full} full chunks expected, {fullChunks.Length} given", nameof(fullChunks));
        int chunks = (int)(((long)count + ChunkLength - 1) >> ChunkShift);
        if (chunks > _chunks.Length) GrowTable(Math.Max(chunks, _chunks.Length * 2));
        for (int c = 0; c < full; c++)
        {
            _arrays[c] = null;
            _chunks[c] = fullChunks[c];
            _owned[c] = _epoch;
        }
        if (full > 0) _firstLength = ChunkLength;
        int rest = count & ChunkMask;
        if (rest > 0)
        {
            int length = full == 0 ? FirstLengthFor(rest) : ChunkLength;
            T[] items = NewChunk(length, zeroed: true);
            new ReadOnlySpan<T>(last, rest).CopyTo(items);
            SetChunk(full, items);
            _owned[full] = _epoch;
            if (full == 0) _firstLength = length;
        }
        _count = count;
        _mapping = owner;
    }

    // ─── Changes since a snapshot (incremental snapshots) ───
    // _owned[c] is the last epoch in which chunk c was written (its first write in an epoch goes through Own, the slow path
    // that exists anyway for copy on write), and every Freeze starts a new epoch. So a chunk was written since the freeze
    // that started epoch e exactly when _owned[c] >= e: tracking changes costs nothing per item.

    /// <summary>The epoch now: a write from now on marks its chunk with it (until the next <see cref="Freeze"/>).</summary>
    public int Epoch => _epoch;

    /// <summary>Whether chunk <paramref name="chunk"/> was written (or allocated) in epoch <paramref name="epoch"/> or later.</summary>
    public bool ChangedSince(int chunk, int epoch) => _owned[chunk] >= epoch;

    /// <summary>Marks chunk <paramref name="chunk"/> as unchanged since epoch <see cref="Epoch"/> began (a restored chunk equal to its base file's).</summary>
    public void MarkUnchanged(int chunk) => _owned[chunk] = _epoch - 1;

    /// <summary>
    /// Drops the tail back to <paramref name="count"/> items (undo of a failed linked chain, whose items were all appended in the
    /// batch being applied, after any freeze). Never below a view still in use: appends after it would write into slots the view
    /// reads (appends are not copied on write).
    /// </summary>
    public void Truncate(int count)
    {
        if (count < 0 || count > _count) throw new ArgumentOutOfRangeException(nameof(count));
        if (_view is { Released: false } view && count < view.Count) throw new InvalidOperationException($"truncating to {count} items below a frozen view of {view.Count}");
        _count = count;
    }

    /// <summary>The used part of chunk <paramref name="chunk"/> to read.</summary>
    public ReadOnlySpan<T> ChunkReadSpan(int chunk) => new((T*)_chunks[chunk], Math.Min(ChunkLength, _count - (chunk << ChunkShift)));

    /// <summary>The used part of chunk <paramref name="chunk"/> to fill (a snapshot being read into a new list; no view exists).</summary>
    public Span<T> ChunkSpan(int chunk)
    {
        if (_owned[chunk] != _epoch) Own(chunk);
        return new((T*)_chunks[chunk], Math.Min(ChunkLength, _count - (chunk << ChunkShift)));
    }

    private static void ThrowIndex(int index) => throw new ArgumentOutOfRangeException(nameof(index), index, "beyond the list");
}

/// <summary>
/// A read-only view of a <see cref="ChunkedList{T}"/> as it was when frozen, safe to read from any thread while the list's
/// owner goes on. <see cref="Release"/> it when done, so the owner stops copying chunks for it.
/// </summary>
internal sealed unsafe class ChunkedView<T>(T[]?[] arrays, nint[] chunks, int count, object? mapping) where T : unmanaged
{
    private volatile bool _released;
    private readonly T[]?[] _arrays = arrays; // keeps the GC-heap chunks alive while the view is read
    private readonly object? _mapping = mapping; // likewise the mapped ones

    public int Count { get; } = count;

    public bool Released => _released;

    public void Release() => _released = true;

    /// <summary>Chunks holding items.</summary>
    public int ChunkCount => chunks.Length;

    public ref readonly T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, "beyond the view");
            return ref Unsafe.AsRef<T>((T*)chunks[index >> ChunkedList<T>.ChunkShift] + (index & (ChunkedList<T>.ChunkLength - 1)));
        }
    }

    /// <summary>The items of chunk <paramref name="chunk"/>.</summary>
    public ReadOnlySpan<T> Segment(int chunk)
    {
        GC.KeepAlive(_arrays);
        GC.KeepAlive(_mapping);
        return new((T*)chunks[chunk], Math.Min(ChunkedList<T>.ChunkLength, Count - (chunk << ChunkedList<T>.ChunkShift)));
    }
}
