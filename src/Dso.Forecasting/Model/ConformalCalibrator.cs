using MathNet.Numerics.Distributions;

namespace Dso.Forecasting.Model;

/// <summary>
/// Quantiles for one horizon step from the forecaster's own recent out-of-sample residuals (split-conformal on a
/// rolling window), normalised by the local noise level so one window serves quiet nights and busy afternoons.
/// Adaptive conformal inference (Gibbs &amp; Candès 2021) then nudges the p10/p90 levels after every miss or hit, so the
/// long-run share of actuals inside [p10, p90] tracks the target even when the residuals drift.
/// </summary>
internal sealed class ConformalCalibrator
{
    private const int MinResiduals = 30;
    private const int ResortEvery = 16;
    private readonly double[] _ring;
    private readonly double _nominalLow;
    private readonly double _nominalHigh;
    private readonly double _rate;
    private readonly int _horizonSteps;
    private int _count;
    private int _next;
    private int _sinceSort;
    private double[] _sorted = [];

    /// <summary>The ring's residuals kept in order as they come and go, so a re-sort is a copy (see <see cref="Add"/>).</summary>
    private readonly double[] _ordered;
    private double _low;
    private double _high;

    public ConformalCalibrator(int window, double coverage, double rate, int horizonSteps)
    {
        _ring = new double[window];
        _ordered = new double[window];
        _nominalLow = (1 - coverage) / 2;
        _nominalHigh = 1 - _nominalLow;
        _low = _nominalLow;
        _high = _nominalHigh;
        _rate = rate;
        _horizonSteps = horizonSteps;
    }

    /// <summary>Records a resolved residual (in noise units) and the interval bounds that were published for it.</summary>
    public void Add(double residual, double publishedLow, double publishedHigh)
    {
        if (_count == _ring.Length)
        {
            Remove(_ring[_next]);
        }

        Insert(residual);
        _ring[_next] = residual;
        _next = (_next + 1) % _ring.Length;
        _count = Math.Min(_count + 1, _ring.Length);
        if (++_sinceSort >= ResortEvery || _count <= MinResiduals)
        {
            // A fresh array, never sorted in place: snapshots held by earlier forecasts stay valid. The ordered copy
            // holds the same values as the ring, so this is what sorting the ring gave, without a sort per horizon
            // step every 16 ticks (a few percent of a simulation).
            _sorted = _ordered.AsSpan(0, _count).ToArray();
            _sinceSort = 0;
        }

        if (_count > MinResiduals)
        {
            // ACI: step the level down after a miss (weight 1 - target), up after a hit (weight target).
            _low += _rate * (_nominalLow - (residual < publishedLow ? 1 : 0));
            _high += _rate * ((residual > publishedHigh ? 1 : 0) - _nominalLow);
            _low = Math.Clamp(_low, 0.001, 0.49);
            _high = Math.Clamp(_high, 0.51, 0.999);
        }
    }

    /// <summary>Drops one occurrence of a value that is in the ordered copy (the residual leaving the ring).</summary>
    private void Remove(double value)
    {
        var at = Array.BinarySearch(_ordered, 0, _count, value);
        Array.Copy(_ordered, at + 1, _ordered, at, _count - at - 1);
    }

    /// <summary>Inserts a value into the ordered copy (which has room: the ring is not full or one was removed).</summary>
    private void Insert(double value)
    {
        var size = _count == _ring.Length ? _count - 1 : _count;
        var at = Array.BinarySearch(_ordered, 0, size, value);
        at = at < 0 ? ~at : at;
        Array.Copy(_ordered, at, _ordered, at + 1, size - at);
        _ordered[at] = value;
    }

    public Snapshot Current => new(_count > MinResiduals ? _sorted : null, _low, _high, _nominalLow, _nominalHigh, _horizonSteps);

    /// <summary>Immutable view used by a published forecast, so later observations do not change it.</summary>
    internal readonly record struct Snapshot(double[]? Sorted, double Low, double High, double NominalLow, double NominalHigh, int HorizonSteps)
    {
        /// <summary>The <paramref name="level"/> quantile of the normalised residual.</summary>
        public double Residual(double level)
        {
            level = Math.Clamp(level, 0.0005, 0.9995);
            if (Sorted is null)
            {
                // Too few residuals yet: Gaussian with the spread of a random walk over the horizon (MAD→σ factor 1.25).
                return Normal.InvCDF(0, 1.25 * Math.Sqrt(HorizonSteps), level);
            }

            var adjusted = level switch
            {
                <= 0.5 when level <= NominalLow => level * Low / NominalLow,
                <= 0.5 => Low + ((level - NominalLow) * (0.5 - Low) / (0.5 - NominalLow)),
                _ when level >= NominalHigh => High + ((level - NominalHigh) * (1 - High) / (1 - NominalHigh)),
                _ => 0.5 + ((level - 0.5) * (High - 0.5) / (NominalHigh - 0.5)),
            };
            var position = adjusted * (Sorted.Length - 1);
            var below = (int)Math.Floor(position);
            var above = Math.Min(below + 1, Sorted.Length - 1);
            return Sorted[below] + ((position - below) * (Sorted[above] - Sorted[below]));
        }
    }
}
