using MathNet.Numerics;

namespace Dso.Detection;

/// <summary>
/// Turns raw surprise into a calibrated score, after HTM's "anomaly likelihood": how improbable is the
/// short-term average surprise given the distribution of that average over the long-term past?
/// A noisy series is then not permanently alarming, and a sustained rise in surprise (a variance change)
/// is caught even when no single point is extreme. The result is the log-scaled tail probability,
/// 0 = ordinary, 1 = a one-in-10^10 event.
/// </summary>
internal sealed class AnomalyLikelihood
{
    private const double TailFloor = 1e-10;
    private const int MinSamples = 50;

    private readonly RingBuffer _short;
    private readonly RingBuffer _long;
    private readonly double _minStd;
    private double _shortSum;
    private double _longSum;
    private double _longSumSquares;

    public AnomalyLikelihood(int shortWindow, int longWindow, double minStd)
    {
        _short = new RingBuffer(shortWindow);
        _long = new RingBuffer(longWindow);
        _minStd = minStd;
    }

    public double Update(double raw)
    {
        if (_short.Count == _short.Capacity)
        {
            _shortSum -= _short.Back(_short.Count - 1);
        }

        _short.Add(raw);
        _shortSum += raw;
        var average = _shortSum / _short.Count;

        var score = 0.0;
        if (_long.Count >= MinSamples)
        {
            var mean = _longSum / _long.Count;
            var variance = Math.Max(_longSumSquares / _long.Count - mean * mean, 0);
            var std = Math.Max(Math.Sqrt(variance), _minStd);
            var z = (average - mean) / std;
            var tail = 0.5 * SpecialFunctions.Erfc(z / Math.Sqrt(2));
            score = Math.Clamp(Math.Log(tail + TailFloor) / Math.Log(TailFloor), 0, 1);
        }

        if (_long.Count == _long.Capacity)
        {
            var oldest = _long.Back(_long.Count - 1);
            _longSum -= oldest;
            _longSumSquares -= oldest * oldest;
        }

        _long.Add(average);
        _longSum += average;
        _longSumSquares += average * average;
        return score;
    }
}
