using MathNet.Numerics;

namespace Dso.Detection;

/// <summary>
/// Turns raw surprise into a calibrated score, after HTM's "anomaly likelihood": how improbable is the
/// short-term average surprise given the distribution of that average over the long-term past?
/// A noisy series is then not permanently alarming, and a sustained rise in surprise (a variance change)
/// is caught even when no single point is extreme. The result is the evidence E = -log10(tail probability),
/// about 0.3 for ordinary points; the caller maps it to [0,1].
/// </summary>
internal sealed class AnomalyLikelihood
{
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

    /// <summary>Adds a raw surprise in [0,1]; returns the evidence -log10(tail probability) of the short-term average.</summary>
    public double Update(double raw)
    {
        if (_short.Count == _short.Capacity)
        {
            _shortSum -= _short.Back(_short.Count - 1);
        }

        _short.Add(raw);
        _shortSum += raw;
        var average = _shortSum / _short.Count;

        var evidence = 0.0;
        if (_long.Count >= MinSamples)
        {
            var mean = _longSum / _long.Count;
            var variance = Math.Max(_longSumSquares / _long.Count - mean * mean, 0);
            var std = Math.Max(Math.Sqrt(variance), _minStd);
            evidence = NegativeLog10UpperTail((average - mean) / std);
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
        return evidence;
    }

    /// <summary>
    /// -log10 of the Gaussian upper tail, without underflow: HTM clamps the tail at 1e-10, which ties every strong
    /// event at the top score; keeping the evidence continuous keeps the strongest events ranked first.
    /// </summary>
    internal static double NegativeLog10UpperTail(double z)
    {
        if (z <= 0)
        {
            return -Math.Log10(0.5 * SpecialFunctions.Erfc(z / Math.Sqrt(2)));
        }

        if (z < 30)
        {
            return -Math.Log10(0.5 * SpecialFunctions.Erfc(z / Math.Sqrt(2)));
        }

        // Mills ratio: Q(z) ~ phi(z)/z for large z.
        return (z * z / 2 + Math.Log(z * Math.Sqrt(2 * Math.PI))) / Math.Log(10);
    }
}
