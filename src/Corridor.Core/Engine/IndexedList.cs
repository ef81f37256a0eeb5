using System.Collections;

namespace Corridor.Core.Engine;

/// <summary>
/// A read-only list over a count and an item at each position, both read when asked for: a query's view of records the state
/// keeps as structs (each read builds or copies the item as it is then; the count follows appends).
/// </summary>
internal sealed class IndexedList<T>(Func<int> count, Func<int, T> item) : IReadOnlyList<T>
{
    public int Count => count();

    public T this[int index] => (uint)index < (uint)count() ? item(index) : throw new ArgumentOutOfRangeException(nameof(index), index, "beyond the list");

    public IEnumerator<T> GetEnumerator()
    {
        for (int i = 0; i < count(); i++) yield return item(i);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
