using System.Diagnostics.CodeAnalysis;
using Corridor.Core.Ledger;

namespace Corridor.Core.Engine;

/// <summary>
/// The records of a <see cref="RecordList{T}"/> by a 128-bit id (never 0), each indexed right after it is appended. The id
/// → position table is the ledger's <see cref="IdIndex"/>: when it fills it moves a few slots per add into a table of twice
/// the size, where a <see cref="Dictionary{TKey,TValue}"/> copies every entry into a new array at once — on the engine
/// thread, a pause that grows with the records held (millions of payments), into fresh memory each time.
/// </summary>
internal sealed class RecordIndex<T>(RecordList<T> records) where T : class
{
    private readonly IdIndex _positions = new();

    public int Count => _positions.Count;

    /// <summary>
    /// Indexes <paramref name="record"/>, which must be the record just appended to the list, under <paramref name="id"/>
    /// (0 and an id already indexed are refused, as <see cref="IdIndex.Add"/> refuses them).
    /// </summary>
    public void Add(UInt128 id, T record)
    {
        int position = records.Count - 1;
        if (position < 0 || !ReferenceEquals(records[position], record))
            throw new InvalidOperationException("a record is indexed right after it is appended to its list");
        _positions.Add(id, position);
    }

    public bool TryGetValue(UInt128 id, [MaybeNullWhen(false)] out T record)
    {
        if (_positions.TryGetValue(id, out int position))
        {
            record = records[position];
            return true;
        }
        record = null;
        return false;
    }

    public bool ContainsKey(UInt128 id) => _positions.ContainsKey(id);

    public T this[UInt128 id] => TryGetValue(id, out T? record) ? record : throw new KeyNotFoundException($"id {id} is not indexed");
}
