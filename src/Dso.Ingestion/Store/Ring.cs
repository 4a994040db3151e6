namespace Dso.Ingestion.Store;

/// <summary>
/// A fixed-capacity ring that grows its arrays on demand up to the capacity, so a series that has seen a few
/// samples costs a few bytes, and one that has seen a year costs exactly its capacity. Not thread-safe: the
/// owning series locks.
/// </summary>
internal sealed class Ring<T>
    where T : struct
{
    private const int InitialSize = 16;
    private T[] _items;
    private int _head;

    public Ring(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _items = new T[Math.Min(capacity, InitialSize)];
    }

    public int Capacity { get; }

    public int Count { get; private set; }

    public int AllocatedLength => _items.Length;

    public ref T Newest => ref _items[(_head + Count - 1) % _items.Length];

    public ref T Oldest => ref _items[_head];

    /// <summary>The <paramref name="index"/>-th item counting from the oldest.</summary>
    public T this[int index] => _items[(_head + index) % _items.Length];

    /// <summary>Adds at the newest end; when full, the oldest item is pushed out and returned so it can be folded coarser.</summary>
    public bool Add(in T item, out T evicted)
    {
        if (Count == _items.Length && _items.Length < Capacity)
        {
            // Until the first wrap the head is still 0, so a plain resize keeps the order.
            Array.Resize(ref _items, Math.Min(Capacity, _items.Length * 2));
        }

        if (Count < _items.Length)
        {
            _items[(_head + Count) % _items.Length] = item;
            Count++;
            evicted = default;
            return false;
        }

        evicted = _items[_head];
        _items[_head] = item;
        _head = (_head + 1) % _items.Length;
        return true;
    }

    public T[] ToArray()
    {
        var copy = new T[Count];
        for (var i = 0; i < Count; i++)
        {
            copy[i] = this[i];
        }

        return copy;
    }
}
