namespace Dso.Detection;

/// <summary>
/// Fixed-capacity history of doubles, newest last. Detectors only ever need the recent past, so a ring keeps
/// memory and per-point cost bounded however long the stream runs.
/// </summary>
internal sealed class RingBuffer
{
    private readonly double[] _items;
    private int _start;

    public RingBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new double[capacity];
    }

    public int Count { get; private set; }

    public int Capacity => _items.Length;

    /// <summary>Item <paramref name="lag"/> steps back: lag 0 is the newest.</summary>
    public double Back(int lag) => _items[(_start + Count - 1 - lag) % _items.Length];

    /// <summary>Item by age order: index 0 is the oldest kept.</summary>
    public double this[int index] => _items[(_start + index) % _items.Length];

    public void Add(double value)
    {
        if (Count < _items.Length)
        {
            _items[(_start + Count) % _items.Length] = value;
            Count++;
        }
        else
        {
            _items[_start] = value;
            _start = (_start + 1) % _items.Length;
        }
    }

    /// <summary>Copies the newest <paramref name="count"/> items, oldest first, into <paramref name="destination"/>.</summary>
    public void CopyLatest(int count, Span<double> destination)
    {
        for (var i = 0; i < count; i++)
        {
            destination[i] = Back(count - 1 - i);
        }
    }
}
