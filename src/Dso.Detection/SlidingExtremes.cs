namespace Dso.Detection;

/// <summary>
/// Minimum and maximum of the last <c>window</c> values in O(1) amortised per point (monotonic deques),
/// so "is this beyond anything seen in the last N points" stays cheap for N in the thousands.
/// </summary>
internal sealed class SlidingExtremes
{
    private readonly int _window;
    private readonly LinkedList<(long Index, double Value)> _max = new();
    private readonly LinkedList<(long Index, double Value)> _min = new();
    private long _index;

    public SlidingExtremes(int window) => _window = window;

    public long Count => Math.Min(_index, _window);

    public double Max => _max.First!.Value.Value;

    public double Min => _min.First!.Value.Value;

    public void Add(double value)
    {
        while (_max.Count > 0 && _max.Last!.Value.Value <= value)
        {
            _max.RemoveLast();
        }

        while (_min.Count > 0 && _min.Last!.Value.Value >= value)
        {
            _min.RemoveLast();
        }

        _max.AddLast((_index, value));
        _min.AddLast((_index, value));
        _index++;
        var oldest = _index - _window;
        while (_max.First!.Value.Index < oldest)
        {
            _max.RemoveFirst();
        }

        while (_min.First!.Value.Index < oldest)
        {
            _min.RemoveFirst();
        }
    }
}
