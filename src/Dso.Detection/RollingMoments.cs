namespace Dso.Detection;

/// <summary>Mean and standard deviation of the last few points, updated in O(1) per point.</summary>
internal sealed class RollingMoments
{
    private readonly RingBuffer _values;
    private double _sum;
    private double _sumSquares;

    public RollingMoments(int window) => _values = new RingBuffer(window);

    public bool IsFull => _values.Count == _values.Capacity;

    public double Mean => _sum / Math.Max(_values.Count, 1);

    public double StdDev => Math.Sqrt(Math.Max(_sumSquares / Math.Max(_values.Count, 1) - Mean * Mean, 0));

    public void Add(double value)
    {
        if (IsFull)
        {
            var oldest = _values[0];
            _sum -= oldest;
            _sumSquares -= oldest * oldest;
        }

        _values.Add(value);
        _sum += value;
        _sumSquares += value * value;
    }
}
