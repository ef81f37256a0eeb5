using System.Collections;
using System.Runtime.CompilerServices;

namespace Corridor.Iso20022.Model;

/// <summary>Immutable list with value equality, so message records compare field by field (round-trip tests).</summary>
[CollectionBuilder(typeof(ValueList), nameof(ValueList.Create))]
public readonly struct ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[]? _items;

    public ValueList(T[] items) => _items = items;

    public static ValueList<T> Empty => default;

    public int Count => _items?.Length ?? 0;

    public T this[int index] => (_items ?? [])[index];

    public ReadOnlySpan<T> AsSpan() => _items;

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(ValueList<T> other)
    {
        int n = Count;
        if (n != other.Count) return false;
        var comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < n; i++)
        {
            if (!comparer.Equals(_items![i], other._items![i])) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (int i = 0; i < Count; i++) hash.Add(_items![i]);
        return hash.ToHashCode();
    }

    public static bool operator ==(ValueList<T> left, ValueList<T> right) => left.Equals(right);

    public static bool operator !=(ValueList<T> left, ValueList<T> right) => !left.Equals(right);

    public override string ToString() => "[" + string.Join(", ", _items ?? []) + "]";
}

/// <summary>Factory for <see cref="ValueList{T}"/> (collection expressions).</summary>
public static class ValueList
{
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) => items.IsEmpty ? default : new ValueList<T>(items.ToArray());

    public static ValueList<T> From<T>(List<T>? items) => items is null || items.Count == 0 ? default : new ValueList<T>([.. items]);
}
