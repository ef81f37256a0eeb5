using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Corridor.Core.Ledger;

/// <summary>
/// Map from 128-bit id to index: open addressing with linear probing, key and value inline in one
/// pinned array. A lookup of a new id costs one cache miss (the dictionary of the BCL costs two or
/// three: bucket, then entry chain), and <see cref="Prefetch"/> lets a batch hide even that one.
/// Id 0 marks an empty slot (0 is never a valid id). Deletion uses backward shift, so no tombstones.
/// </summary>
internal sealed unsafe class IdIndex
{
    private const int MinCapacity = 1 << 10;
    private const double MaxLoad = 0.6;

    private Entry[] _entries;
    private Entry* _table;
    private ulong _mask;
    private int _count;
    private int _growAt;

    public IdIndex(int expected = 0)
    {
        int capacity = MinCapacity;
        while (capacity * MaxLoad < expected) capacity <<= 1;
        _entries = Allocate(capacity);
        _table = (Entry*)Unsafe.AsPointer(ref _entries[0]);
        _mask = (ulong)capacity - 1;
        _growAt = (int)(capacity * MaxLoad);
    }

    public int Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(UInt128 key)
    {
        ulong lo = (ulong)key, hi = (ulong)(key >> 64);
        ulong h = (lo ^ (hi * 0xC2B2AE3D27D4EB4FUL)) * 0x9E3779B97F4A7C15UL;
        return h ^ (h >> 29);
    }

    /// <summary>Starts loading the slot of <paramref name="key"/> into cache ahead of its lookup.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(UInt128 key)
    {
        if (Sse.IsSupported) Sse.Prefetch0(_table + (Hash(key) & _mask));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(UInt128 key, out int value)
    {
        if (key == UInt128.Zero) { value = -1; return false; } // 0 marks empty slots; it is never stored
        ulong slot = Hash(key) & _mask;
        while (true)
        {
            Entry* e = _table + slot;
            if (e->Key == key) { value = e->Value; return true; }
            if (e->Key == UInt128.Zero) { value = -1; return false; }
            slot = (slot + 1) & _mask;
        }
    }

    public bool ContainsKey(UInt128 key) => TryGetValue(key, out _);

    /// <summary>Adds a key that must not be present.</summary>
    public void Add(UInt128 key, int value)
    {
        if (key == UInt128.Zero) throw new ArgumentOutOfRangeException(nameof(key), "id 0 is not a valid id");
        if (_count >= _growAt) Grow();
        ulong slot = Hash(key) & _mask;
        while (true)
        {
            Entry* e = _table + slot;
            if (e->Key == UInt128.Zero) { e->Key = key; e->Value = value; _count++; return; }
            if (e->Key == key) throw new InvalidOperationException($"id {key} already indexed");
            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>Removes a key (undo of a failed linked chain); backward-shift keeps probe chains intact.</summary>
    public bool Remove(UInt128 key)
    {
        if (key == UInt128.Zero) return false;
        ulong slot = Hash(key) & _mask;
        while (true)
        {
            Entry* e = _table + slot;
            if (e->Key == UInt128.Zero) return false;
            if (e->Key == key) break;
            slot = (slot + 1) & _mask;
        }
        ulong hole = slot;
        ulong next = (hole + 1) & _mask;
        while (_table[next].Key != UInt128.Zero)
        {
            ulong home = Hash(_table[next].Key) & _mask;
            // Move the entry into the hole if its home is not cyclically within (hole, next].
            bool stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
            if (!stays)
            {
                _table[hole] = _table[next];
                hole = next;
            }
            next = (next + 1) & _mask;
        }
        _table[hole] = default;
        _count--;
        return true;
    }

    /// <summary>Sizes the table for <paramref name="expected"/> keys in one step (one rehash at most, none when empty).</summary>
    public void EnsureCapacity(int expected)
    {
        if (expected <= _growAt) return;
        int capacity = _entries.Length;
        while (capacity * MaxLoad < expected) capacity <<= 1;
        Grow(capacity);
    }

    private void Grow() => Grow(_entries.Length * 2);

    private void Grow(int capacity)
    {
        Entry[] old = _entries;
        _entries = Allocate(capacity);
        _table = (Entry*)Unsafe.AsPointer(ref _entries[0]);
        _mask = (ulong)capacity - 1;
        _growAt = (int)(capacity * MaxLoad);
        int count = _count;
        _count = 0;
        if (count > 0)
            foreach (ref readonly Entry e in old.AsSpan())
                if (e.Key != UInt128.Zero) Add(e.Key, e.Value);
    }

    private static Entry[] Allocate(int capacity) => GC.AllocateArray<Entry>(capacity, pinned: true);

    // 20 bytes, not 32: the key's 16-byte alignment would pad every slot by 12 bytes. The index is a third of a restored
    // node's memory at that size, and restart time on a VM goes mostly into touching fresh memory (README, recovery).
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Pack = 4)]
    private struct Entry
    {
        public UInt128 Key;
        public int Value;
    }
}
