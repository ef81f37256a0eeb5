using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Corridor.Core.Engine;

/// <summary>
/// The record lists one capture froze (<see cref="Engine.CaptureSnapshot()"/>): a section that holds many records writes
/// their count at capture and leaves the records to the snapshot's writer thread (<see cref="SegmentedBuffer.Defer"/>),
/// reading them from a frozen view. A list frozen twice in one capture (e.g. the payments, by their section and by the
/// section of their references) gives the same view. Released with the snapshot.
/// </summary>
internal sealed class SnapshotCapture
{
    private readonly Dictionary<object, object> _views = new(ReferenceEqualityComparer.Instance);
    private readonly List<Action> _releases = [];

    /// <summary>The view of <paramref name="list"/> this capture froze, frozen now if it is the first to ask.</summary>
    public TView Freeze<TView>(object list, Func<TView> freeze, Func<TView, Action> release) where TView : class
    {
        if (_views.TryGetValue(list, out object? view)) return (TView)view;
        TView frozen = freeze();
        _views.Add(list, frozen);
        _releases.Add(release(frozen));
        return frozen;
    }

    /// <summary>The owners write their records in place again.</summary>
    public void Release()
    {
        foreach (Action release in _releases) release();
    }

    /// <summary>The capture a section is being serialised for, or null when it is written or hashed at once.</summary>
    public static SnapshotCapture? Of(BinaryWriter w) => w.BaseStream is SegmentedBuffer { Capture: { } capture } ? capture : null;
}

/// <summary>
/// A mutable record of a <see cref="RecordList{T}"/>. Every setter of a field its snapshot writes calls
/// <see cref="BeforeChange"/> first: while a capture's view of the list is in use, the record's first change after the
/// capture keeps a copy of it as it was, for that view (copy on write per record; nothing is copied when no view is in use).
/// </summary>
public abstract class CopyOnWriteRecord
{
    private RecordListOwner? _owner;
    private int _index;
    private int _keptEpoch; // the freeze epoch for which this record's copy is kept

    internal void Attach(RecordListOwner owner, int index)
    {
        _owner = owner;
        _index = index;
    }

    /// <summary>Called before a snapshotted field changes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected void BeforeChange()
    {
        if (_owner?.View is not null) KeepIfFrozen(); // no view yet (a node before its first snapshot, a benchmark): two loads
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void KeepIfFrozen()
    {
        RecordListOwner owner = _owner!;
        RecordListOwner.FrozenRecords view = owner.View!;
        if (view.Released) { owner.View = null; return; } // back to the fast path (only the engine's thread writes View)
        if (_index >= view.Count || _keptEpoch == owner.Epoch) return;
        view.Keep(_index, (CopyOnWriteRecord)MemberwiseClone());
        _keptEpoch = owner.Epoch;
    }

    /// <summary>A copy that no one changes (read on the snapshot's writer thread).</summary>
    internal CopyOnWriteRecord Copy() => (CopyOnWriteRecord)MemberwiseClone();
}

/// <summary>The freezing state a <see cref="RecordList{T}"/> shares with its records.</summary>
internal sealed class RecordListOwner
{
    /// <summary>Incremented by each freeze.</summary>
    public int Epoch;

    /// <summary>The view in use (maybe released: then nothing is kept for it).</summary>
    public FrozenRecords? View;

    /// <summary>Copies of records as they were when the view was frozen, kept before their first change after it.</summary>
    internal sealed class FrozenRecords(int count)
    {
        private readonly ConcurrentDictionary<int, CopyOnWriteRecord> _kept = new();
        private volatile bool _released;

        public int Count { get; } = count;
        public bool Released => _released;
        public void Release()
        {
            _released = true;
            _kept.Clear(); // the copies were for the writer only
        }

        public void Keep(int index, CopyOnWriteRecord copy)
        {
            _kept.TryAdd(index, copy);
            Interlocked.MemoryBarrier(); // the copy is visible before the record changes
        }

        public bool TryGetKept(int index, out CopyOnWriteRecord? copy) => _kept.TryGetValue(index, out copy);
    }
}

/// <summary>
/// Append-only list of records in fixed chunks (growth never moves what is there, so another thread may read the items
/// below a count it was given while the owner appends). <see cref="Freeze"/> hands out the list as it is now for the
/// snapshot's writer thread: items are read where they lie, and a record changed since the freeze is read from the copy it
/// kept before its change (<see cref="CopyOnWriteRecord"/>). Records that never change (any class or struct not derived
/// from <see cref="CopyOnWriteRecord"/>) are read as they are.
/// </summary>
internal sealed class RecordList<T> : IReadOnlyList<T>
{
    private const int ChunkShift = 12;
    private const int ChunkLength = 1 << ChunkShift;
    private T[][] _chunks = new T[4][];
    private int _count;
    private readonly RecordListOwner _owner = new();

    public int Count => _count;

    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index), index, "beyond the list");
            return _chunks[index >> ChunkShift][index & (ChunkLength - 1)];
        }
    }

    public void Add(T item)
    {
        int chunk = _count >> ChunkShift;
        if (chunk == _chunks.Length) Array.Resize(ref _chunks, _chunks.Length * 2); // the table only: a view keeps the old one
        _chunks[chunk] ??= new T[ChunkLength];
        if (item is CopyOnWriteRecord record) record.Attach(_owner, _count);
        _chunks[chunk][_count & (ChunkLength - 1)] = item;
        _count++;
    }

    /// <summary>Replaces item <paramref name="index"/> of a list no view reads (a state being restored).</summary>
    public void ReplaceWhileUnfrozen(int index, T item)
    {
        if (_owner.View is { Released: false }) throw new InvalidOperationException("a view of this list is in use");
        if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index), index, "beyond the list");
        if (item is CopyOnWriteRecord record) record.Attach(_owner, index);
        _chunks[index >> ChunkShift][index & (ChunkLength - 1)] = item;
    }

    /// <summary>The list as it is now, to read on another thread until released. One view at a time.</summary>
    public Frozen Freeze()
    {
        if (_owner.View is { Released: false }) throw new InvalidOperationException("a view of this list is still in use");
        var records = new RecordListOwner.FrozenRecords(_count);
        _owner.Epoch++;
        _owner.View = records;
        return new Frozen((T[][])_chunks.Clone(), records);
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (int i = 0; i < _count; i++) yield return _chunks[i >> ChunkShift][i & (ChunkLength - 1)];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// The records of a <see cref="RecordList{T}"/> as they were when it was frozen, read on any thread. An item read here
    /// is a copy no one changes.
    /// </summary>
    internal sealed class Frozen(T[][] chunks, RecordListOwner.FrozenRecords records) : IReadOnlyList<T>
    {
        public int Count => records.Count;

        public T this[int index]
        {
            get
            {
                if ((uint)index >= (uint)records.Count) throw new ArgumentOutOfRangeException(nameof(index), index, "beyond the view");
                if (records.TryGetKept(index, out CopyOnWriteRecord? kept)) return (T)(object)kept!;
                T item = chunks[index >> ChunkShift][index & (ChunkLength - 1)];
                if (item is not CopyOnWriteRecord record) return item;
                // Copy it, then look again for a copy kept meanwhile: the owner keeps its copy before it changes the record
                // (a barrier on both sides), so if none is kept now, the record had not started to change when it was copied.
                var copy = (T)(object)record.Copy();
                Interlocked.MemoryBarrier();
                return records.TryGetKept(index, out kept) ? (T)(object)kept! : copy;
            }
        }

        public void Release() => records.Release();

        public IEnumerator<T> GetEnumerator()
        {
            for (int i = 0; i < records.Count; i++) yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
