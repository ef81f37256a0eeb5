using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Corridor.Core.Ledger;

/// <summary>
/// Map from 128-bit id to index: open addressing with linear probing, key and value inline. A lookup of a new id costs
/// one cache miss (the dictionary of the BCL costs two or three: bucket, then entry chain), and <see cref="Prefetch"/>
/// lets a batch hide even that one. Id 0 marks an empty slot (0 is never a valid id). Deletion uses backward shift, so
/// no tombstones.
/// The table lies in pages of <see cref="PageLength"/> slots, each a pinned array or memory handed in by whoever restored
/// the index (<see cref="AttachMapped"/>: a snapshot mapped copy-on-write), so that a snapshot can hold the table itself
/// and a restart need not rebuild it. <see cref="Freeze"/> gives a view of the table for another thread to write while the
/// owner goes on: until the view is released, ids added go into a side table (a small <see cref="IdIndex"/> of its own) and
/// lookups ask both — copying the table's pages on write instead would copy nearly all of them in the first batch after a
/// freeze (ids land at random), a pause of seconds at tens of millions of ids. After the release, each add moves a slice of
/// the side table into the table, until it is empty. Removing an id of the frozen table (not done by the ledger, which
/// removes only ids it added in the same batch) copies its page first.
/// </summary>
internal sealed unsafe class IdIndex
{
    private const int MinCapacity = 1 << 10;
    /// <summary>
    /// The share of slots in use at which the table doubles. Linear probing over 20-byte slots (three to a cache line): at
    /// 75 % a lookup of an id that is there reads 2.5 slots on average and of a new one 8.5 (a few lines next to each other),
    /// and the table holds 100M ids in 2²⁷ slots (2.7 GB) where 60 % needed 2²⁸ (5.4 GB, and both while the old one moves).
    /// </summary>
    internal const double MaxLoad = 0.75;
    internal const int PageShift = 16;
    internal const int PageLength = 1 << PageShift;
    private const ulong PageMask = PageLength - 1;

    private Entry[]?[] _arrays = []; // GC-heap pages (pinned), kept alive here; null for a mapped page
    private nint[] _pages = []; // address of each page's first slot
    private int[] _owned = []; // the epoch in which the owner last made page p its own; != _epoch: maybe shared with a view
    private int _epoch;
    private IdIndexView? _view;
    private object? _mapping;
    private ulong _mask;
    private int _capacity;
    private int _count;
    private int _growAt;
    private IdIndex? _side; // ids added while the table is frozen, then until moved into it (see Freeze)
    private int _sideCursor; // the next slot of the side table to move once the view is released
    private int _sideOnly; // ids of the side table not (yet) in the table
    private bool _sideIsOldTable; // the side table is the table before it grew (Grow()): none of its ids is in the table
    private bool _isSide; // this index is another's side table: it grows at once (its owner moves its slots as they lie)
    private const int MoveSlotsPerAdd = 64;
    private int _prepareAt = int.MaxValue; // the count at which the next, doubled table's memory is asked for (PrepareGrowth)
    private Engine.FreshPages.AnonymousMemory? _prepared; // that memory, taken by the Allocate of its size
    /// <summary>
    /// The load at which a table of at least <see cref="PreparedMinimumCapacity"/> slots prepares the memory of its successor:
    /// late enough that a node which stops growing rarely holds it for nothing, early enough that the populating thread (about
    /// 1.5 GB/s here) finishes the successor's 40 bytes per slot before 2M adds a second reach <see cref="MaxLoad"/>.
    /// </summary>
    internal const double PrepareLoad = 0.6875;
    internal const int PreparedMinimumCapacity = 4 * PageLength;

    public IdIndex(int expected = 0)
    {
        int capacity = MinCapacity;
        while (capacity * MaxLoad < expected) capacity <<= 1;
        Allocate(capacity);
    }

    public int Count => _side is null ? _count : _count + _sideOnly;

    /// <summary>Slots in the table (a power of two).</summary>
    public int Capacity => _capacity;

    /// <summary>Bytes of one slot in a snapshot's copy of the table.</summary>
    public static int SlotBytes => sizeof(Entry);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(UInt128 key)
    {
        ulong lo = (ulong)key, hi = (ulong)(key >> 64);
        ulong h = (lo ^ (hi * 0xC2B2AE3D27D4EB4FUL)) * 0x9E3779B97F4A7C15UL;
        return h ^ (h >> 29);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Entry* At(ulong slot) =>
        (Entry*)Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_pages), (nint)(slot >> PageShift)) + (slot & PageMask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Entry* Writable(ulong slot)
    {
        int page = (int)(slot >> PageShift);
        if (_owned[page] != _epoch) Own(page);
        return At(slot);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Own(int page)
    {
        if (_view is { Released: false })
        {
            int length = Math.Min(_capacity, PageLength);
            Entry[] copy = GC.AllocateUninitializedArray<Entry>(length, pinned: true);
            new ReadOnlySpan<Entry>((Entry*)_pages[page], length).CopyTo(copy);
            SetPage(page, copy);
        }
        _owned[page] = _epoch;
    }

    /// <summary>Starts loading the slot of <paramref name="key"/> into cache ahead of its lookup.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(UInt128 key)
    {
        if (Sse.IsSupported) Sse.Prefetch0(At(Hash(key) & _mask));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(UInt128 key, out int value)
    {
        if (TryGetInTable(key, out value)) return true;
        return _side is not null && _side.TryGetValue(key, out value);
    }

    private bool ContainsInTable(UInt128 key) => TryGetInTable(key, out _);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryGetInTable(UInt128 key, out int value)
    {
        if (key == UInt128.Zero) { value = -1; return false; } // 0 marks empty slots; it is never stored
        ulong slot = Hash(key) & _mask;
        while (true)
        {
            Entry* e = At(slot);
            if (e->Key == key) { value = e->Value; return true; }
            if (e->Key == UInt128.Zero) { value = -1; return false; }
            slot = (slot + 1) & _mask;
        }
    }

    public bool ContainsKey(UInt128 key) => TryGetValue(key, out _);

    /// <summary>Adds a key that must not be present.</summary>
    public void Add(UInt128 key, int value)
    {
        if (_side is not null)
        {
            if (!_view!.Released)
            {
                if (ContainsInTable(key)) throw new InvalidOperationException($"id {key} already indexed");
                _side.Add(key, value);
                _sideOnly++;
                return;
            }
            if (_side.ContainsKey(key)) throw new InvalidOperationException($"id {key} already indexed");
        }
        if (Count >= _growAt) Grow(); // before moving: every id, the side table's too, ends in the table
        else if (_count >= _prepareAt) PrepareGrowth();
        if (_side is not null) MoveSome();
        AddToTable(key, value);
    }

    /// <summary>Moves the next slots of the side table into the table (the view is released); drops the side table when done.</summary>
    private void MoveSome()
    {
        IdIndex side = _side!;
        int end = Math.Min(side._capacity, _sideCursor + MoveSlotsPerAdd);
        for (ulong slot = (ulong)_sideCursor; slot < (ulong)end; slot++)
        {
            Entry* e = side.At(slot);
            if (e->Key != UInt128.Zero && (_sideIsOldTable || !ContainsInTable(e->Key))) { AddToTable(e->Key, e->Value); _sideOnly--; }
        }
        _sideCursor = end;
        if (end == side._capacity) _side = null;
    }

    /// <summary>Moves the whole side table into the table (the view is released).</summary>
    private void MoveAll()
    {
        while (_side is not null) MoveSome();
    }

    private void AddToTable(UInt128 key, int value)
    {
        if (key == UInt128.Zero) throw new ArgumentOutOfRangeException(nameof(key), "id 0 is not a valid id");
        if (_count >= _growAt) Grow(_capacity * 2); // not reached from Add, which grows first; the side table, if any, stays as it is
        ulong slot = Hash(key) & _mask;
        while (true)
        {
            Entry* e = At(slot);
            if (e->Key == UInt128.Zero) { e = Writable(slot); e->Key = key; e->Value = value; _count++; return; }
            if (e->Key == key) throw new InvalidOperationException($"id {key} already indexed");
            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>Removes a key (undo of a failed linked chain); backward-shift keeps probe chains intact.</summary>
    public bool Remove(UInt128 key)
    {
        if (_side is not null)
        {
            if (_view!.Released)
            {
                // Usually the id is in the table (the ledger removes only ids it added in the same batch). One still in the side
                // table: a removal there would shift side entries past the moving cursor, so finish moving first.
                if (RemoveFromTable(key)) return true;
                MoveAll();
            }
            else if (_side.Remove(key)) { _sideOnly--; return true; }
        }
        return RemoveFromTable(key); // an id of a frozen table: its page is copied first
    }

    private bool RemoveFromTable(UInt128 key)
    {
        if (key == UInt128.Zero) return false;
        ulong slot = Hash(key) & _mask;
        while (true)
        {
            Entry* e = At(slot);
            if (e->Key == UInt128.Zero) return false;
            if (e->Key == key) break;
            slot = (slot + 1) & _mask;
        }
        ulong hole = slot;
        ulong next = (hole + 1) & _mask;
        while (At(next)->Key != UInt128.Zero)
        {
            ulong home = Hash(At(next)->Key) & _mask;
            // Move the entry into the hole if its home is not cyclically within (hole, next].
            bool stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
            if (!stays)
            {
                *Writable(hole) = *At(next);
                hole = next;
            }
            next = (next + 1) & _mask;
        }
        *Writable(hole) = default;
        _count--;
        return true;
    }

    /// <summary>Sizes the table for <paramref name="expected"/> keys in one step (one rehash at most, none when empty).</summary>
    public void EnsureCapacity(int expected)
    {
        if (_side is not null) return; // a state being restored has no side table; a frozen one grows as it goes
        if (expected <= _growAt) return;
        int capacity = _capacity;
        while (capacity * MaxLoad < expected) capacity <<= 1;
        Grow(capacity);
    }

    /// <summary>
    /// Doubles the table as it fills, without a pause: the full table becomes the side table (read where it lies), a new,
    /// empty table of twice the slots becomes the table, and each add then moves a slice of the old table into the new one,
    /// as after a freeze (<see cref="MoveSome"/>). Rehashing tens of millions of ids at once would stop the engine thread for
    /// seconds; spread over the next adds (64 slots each), each pays a few microseconds until the move is done, long before
    /// the new table fills (the move takes a 128th of the new table's slots in adds, against the 30 % of them it has room
    /// for). A snapshot captured during the move finishes it first (<see cref="Freeze"/>): the pause comes back then, once.
    /// The ids still in a released side table (a freeze's, or a delta restore's: those added since the base) go straight
    /// into the new table: they are few.
    /// </summary>
    private void Grow()
    {
        // At once: a side table itself (its owner reads its slots as they lie), a table too small to matter, an old table
        // still moving (not reached: the move ends long before), or a frozen table (not reached: its adds go to the side table).
        if (_isSide || _capacity < PageLength || (_side is not null && (_sideIsOldTable || !_view!.Released))) { Grow(_capacity * 2); return; }
        IdIndex? pending = _side;
        int pendingFrom = _sideCursor;
        var old = new IdIndex(_arrays, _pages, _owned, _epoch, _mapping, _capacity, _count);
        int count = _count;
        Allocate(_capacity * 2);
        _side = old;
        _sideIsOldTable = true;
        _sideCursor = 0;
        _sideOnly = count;
        _view = new IdIndexView([], [], 0, 0, null);
        _view.Release();
        if (pending is null) return;
        for (ulong slot = (ulong)pendingFrom; slot < (ulong)pending._capacity; slot++) // the slots before pendingFrom are in the old table
        {
            Entry* e = pending.At(slot);
            if (e->Key != UInt128.Zero && !old.ContainsKey(e->Key) && !ContainsInTable(e->Key)) AddToTable(e->Key, e->Value);
        }
    }

    /// <summary>An index over another's table as it stands (<see cref="Grow()"/>'s old table, read and moved from, never written).</summary>
    private IdIndex(Entry[]?[] arrays, nint[] pages, int[] owned, int epoch, object? mapping, int capacity, int count)
    {
        _arrays = arrays;
        _pages = pages;
        _owned = owned;
        _epoch = epoch;
        _mapping = mapping;
        SetCapacity(capacity);
        _count = count;
        _isSide = true;
    }

    private void Grow(int capacity)
    {
        // The old pages stay with a view that may still read them; the new table shares nothing.
        nint[] oldPages = _pages;
        Entry[]?[] oldArrays = _arrays;
        int oldCapacity = _capacity;
        int count = _count;
        object? mapping = _mapping;
        Allocate(capacity);
        if (count > 0)
            for (int p = 0; p < oldPages.Length; p++)
                foreach (ref readonly Entry e in new ReadOnlySpan<Entry>((Entry*)oldPages[p], Math.Min(oldCapacity, PageLength)))
                    if (e.Key != UInt128.Zero) AddToTable(e.Key, e.Value);
        GC.KeepAlive(oldArrays);
        GC.KeepAlive(mapping);
    }

    /// <summary>
    /// A new, empty table of <paramref name="capacity"/> slots: in the memory <see cref="PrepareGrowth"/> asked for if it is of
    /// this size (the table's <see cref="_mapping"/> then owns it), otherwise in zeroed pages of the GC heap.
    /// </summary>
    private void Allocate(int capacity)
    {
        int pages = Math.Max(1, capacity >> PageShift);
        _arrays = new Entry[]?[pages];
        _pages = new nint[pages];
        _owned = new int[pages];
        Engine.FreshPages.AnonymousMemory? memory = _prepared is { } prepared && prepared.Bytes == (long)capacity * sizeof(Entry) && capacity >= PageLength ? prepared : null;
        _prepared = null;
        for (int p = 0; p < pages; p++)
        {
            if (memory is not null) _pages[p] = memory.Address + ((nint)p << PageShift) * sizeof(Entry);
            else SetPage(p, GC.AllocateArray<Entry>(Math.Min(capacity, PageLength), pinned: true));
            _owned[p] = _epoch;
        }
        _mapping = memory;
        SetCapacity(capacity);
        _count = 0;
    }

    /// <summary>
    /// At <see cref="PrepareLoad"/>, a large table asks for the memory of the doubled table it will become at
    /// <see cref="MaxLoad"/>: zeroed pages straight from the kernel, faulted in by <see cref="Engine.FreshPages"/>' thread
    /// while the adds go on. The GC heap would have zeroed a new table on the engine thread when it grew, a page fault per
    /// 4 KiB: hundreds of milliseconds at 12.6M ids, seconds beyond (docs/performance.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PrepareGrowth()
    {
        _prepareAt = int.MaxValue;
        if (_isSide || _prepared is not null) return;
        _prepared = Engine.FreshPages.MapZeroedAhead((long)_capacity * 2 * sizeof(Entry));
    }

    private void SetCapacity(int capacity)
    {
        _capacity = capacity;
        _mask = (ulong)capacity - 1;
        _growAt = (int)(capacity * MaxLoad);
        _prepareAt = capacity >= PreparedMinimumCapacity ? (int)(capacity * PrepareLoad) : int.MaxValue;
    }

    private void SetPage(int page, Entry[] slots)
    {
        _arrays[page] = slots;
        _pages[page] = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(slots));
    }

    /// <summary>Why a table of <paramref name="capacity"/> slots holding <paramref name="count"/> ids cannot be this index's, or null.</summary>
    public static string? CheckShape(int capacity, int count)
    {
        if (capacity < MinCapacity || !System.Numerics.BitOperations.IsPow2(capacity)) return $"an id table of {capacity} slots (a power of two ≥ {MinCapacity} expected)";
        if (count < 0 || count > (int)(capacity * MaxLoad)) return $"an id table of {capacity} slots cannot hold {count} ids";
        return null;
    }

    /// <summary>
    /// Makes this empty index the table of <paramref name="capacity"/> slots holding <paramref name="count"/> ids stored at
    /// <paramref name="table"/> (a snapshot's copy, mapped copy-on-write by the storage layer), kept alive by <paramref name="owner"/>.
    /// A table smaller than a page is copied instead.
    /// </summary>
    public void AttachMapped(int capacity, int count, byte* table, object owner)
    {
        if (CheckShape(capacity, count) is { } problem) throw new InvalidDataException(problem);
        if (_count != 0) throw new InvalidOperationException("only an empty index takes a mapped table");
        if (capacity < PageLength)
        {
            Allocate(capacity);
            new ReadOnlySpan<Entry>(table, capacity).CopyTo(_arrays[0]);
        }
        else
        {
            int pages = capacity >> PageShift;
            _arrays = new Entry[]?[pages];
            _pages = new nint[pages];
            _owned = new int[pages];
            for (int p = 0; p < pages; p++)
            {
                _pages[p] = (nint)((Entry*)table + ((long)p << PageShift));
                _owned[p] = _epoch;
            }
            SetCapacity(capacity);
            _mapping = owner;
        }
        _count = count;
    }

    /// <summary>
    /// Adds ids that must be in neither table nor side table, with values <paramref name="firstValue"/>,
    /// <paramref name="firstValue"/> + 1, …, into the side table (creating it, sized for them), as if added while frozen and
    /// released at once: the table's pages are not written now, each later add moves a slice of the side table into the
    /// table. A delta snapshot's restore uses it for the ids added since its base (whose table is mapped), so a restart does
    /// not touch (and copy) a page of the table per id. That none is in the table already is checked in the order of the
    /// slots they hash to, so the table's pages (mapped, in the page cache but not yet in this process's page tables) are
    /// read in address order, a page once, instead of a random page per id: ≈ 2 s less for 620,000 ids over a 2.7 GB table.
    /// </summary>
    public void AddDeferred(ReadOnlySpan<UInt128> keys, int firstValue)
    {
        if (_view is { Released: false }) throw new InvalidOperationException("the index is frozen");
        if (keys.IsEmpty) return;
        if (firstValue < 0 || firstValue > int.MaxValue - keys.Length) throw new ArgumentOutOfRangeException(nameof(firstValue));
        ulong[] order = System.Buffers.ArrayPool<ulong>.Shared.Rent(keys.Length);
        try
        {
            for (int i = 0; i < keys.Length; i++)
            {
                if (keys[i] == UInt128.Zero) throw new InvalidDataException("id 0 is not a valid id");
                order[i] = ((Hash(keys[i]) & _mask) << 32) | (uint)i; // slot, then position: the capacity is below 2^31
            }
            Array.Sort(order, 0, keys.Length);
            for (int i = 0; i < keys.Length; i++)
            {
                UInt128 key = keys[(int)(uint)order[i]];
                if (ContainsInTable(key)) throw new InvalidOperationException($"id {key} already indexed");
            }
        }
        finally
        {
            System.Buffers.ArrayPool<ulong>.Shared.Return(order);
        }
        if (_side is null)
        {
            _side = new IdIndex(keys.Length) { _isSide = true };
            _sideIsOldTable = false;
            _sideCursor = 0;
            _sideOnly = 0;
            _view = new IdIndexView([], [], 0, 0, null);
            _view.Release();
        }
        for (int i = 0; i < keys.Length; i++)
        {
            _side.Add(keys[i], firstValue + i);
            _sideOnly++; // per id: an id repeated within the keys throws with the count still right
        }
    }

    /// <summary>Makes this empty index a table of <paramref name="capacity"/> slots holding <paramref name="count"/> ids, filled page by page by <paramref name="fill"/> (a snapshot being read).</summary>
    public void Load(int capacity, int count, Action<Span<byte>> fill)
    {
        if (CheckShape(capacity, count) is { } problem) throw new InvalidDataException(problem);
        if (_count != 0) throw new InvalidOperationException("only an empty index is loaded");
        int pages = Math.Max(1, capacity >> PageShift);
        _arrays = new Entry[]?[pages];
        _pages = new nint[pages];
        _owned = new int[pages];
        for (int p = 0; p < pages; p++)
        {
            Entry[] page = GC.AllocateUninitializedArray<Entry>(Math.Min(capacity, PageLength), pinned: true);
            fill(MemoryMarshal.AsBytes(page.AsSpan()));
            SetPage(p, page);
            _owned[p] = _epoch;
        }
        SetCapacity(capacity);
        _count = count;
    }

    /// <summary>The table as it is now, to read on the owner's thread before the index changes again.</summary>
    public IdIndexView View()
    {
        if (_side is not null)
        {
            if (!_view!.Released) return Merged().View(); // the table is frozen: a copy with the side table's ids in it
            MoveAll();
        }
        var view = new IdIndexView((Entry[]?[])_arrays.Clone(), (nint[])_pages.Clone(), _capacity, _count, _mapping);
        view.Release();
        return view;
    }

    /// <summary>A copy of the frozen table with the side table's ids added (a view of the index now while a frozen one is in use).</summary>
    private IdIndex Merged()
    {
        var merged = new IdIndex();
        int page = 0;
        merged.Load(_capacity, _count, bytes => { new ReadOnlySpan<byte>((byte*)_pages[page], bytes.Length).CopyTo(bytes); page++; });
        for (ulong slot = 0; slot < (ulong)_side!._capacity; slot++)
        {
            Entry* e = _side.At(slot);
            if (e->Key != UInt128.Zero) merged.AddToTable(e->Key, e->Value);
        }
        GC.KeepAlive(_arrays);
        return merged;
    }

    /// <summary>The table as it is now, staying so while the index goes on changing (copy on write); release it when done. One at a time.</summary>
    public IdIndexView Freeze()
    {
        if (_view is { Released: false }) throw new InvalidOperationException("a view of this index is still in use");
        MoveAll(); // what the last view's side table still holds
        _side = new IdIndex { _isSide = true };
        _sideIsOldTable = false;
        _sideCursor = 0;
        _sideOnly = 0;
        var view = new IdIndexView((Entry[]?[])_arrays.Clone(), (nint[])_pages.Clone(), _capacity, _count, _mapping);
        _epoch++;
        return _view = view;
    }

    /// <summary>A read-only image of the table (<see cref="Freeze"/>), safe to read from any thread.</summary>
    internal sealed class IdIndexView(Entry[]?[] arrays, nint[] pages, int capacity, int count, object? mapping)
    {
        private volatile bool _released;
        private readonly Entry[]?[] _arrays = arrays;
        private readonly object? _mapping = mapping;

        public int Capacity { get; } = capacity;
        public int Count { get; } = count;
        public int PageCount => pages.Length;
        public bool Released => _released;
        public void Release() => _released = true;

        /// <summary>The bytes of page <paramref name="page"/>, as a snapshot stores them.</summary>
        public ReadOnlySpan<byte> PageBytes(int page)
        {
            GC.KeepAlive(_arrays);
            GC.KeepAlive(_mapping);
            return new ReadOnlySpan<byte>((byte*)pages[page], Math.Min(Capacity, PageLength) * sizeof(Entry));
        }
    }

    // 20 bytes, not 32: the key's 16-byte alignment would pad every slot by 12 bytes. The index is a third of a restored
    // node's memory at that size, and restart time on a VM goes mostly into touching fresh memory (README, recovery).
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    internal struct Entry
    {
        public UInt128 Key;
        public int Value;
    }
}
