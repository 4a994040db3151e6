namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// How far the demand bound the planner covers rises from one tick to the next, as a share of the bound, over its
/// recent ticks. Scale-in keeps this much room above the bound (the scale-in margin): on nasa-jul95 most scale-ins the
/// next tick reversed left less slack than the bound's usual one-tick rise, because a single busy minute moves the
/// "latest peak" feature (the bound's 90th-percentile rise there is 5 %, its 98th 18 %). Relative, so the margin
/// follows the level of demand; bounded, so the ring does not grow for a service that runs for months.
/// </summary>
/// <remarks>
/// The ring's values are also kept sorted, updated per rise (the oldest taken out, the new one put in by binary
/// search): sorting the day's 1,440 rises on every tick was 6 % of <c>dso simulate</c>'s CPU on nasa-jul95. The
/// sorted array holds exactly the ring's values, so every quantile is the one a full sort gives.
/// </remarks>
internal sealed class BoundRises(int capacity)
{
    /// <summary>Rises needed before the quantile is trusted: below it the margin is zero (the warm-up headroom covers it).</summary>
    public const int MinSamples = 30;

    /// <summary>The margin never exceeds this share of the bound, whatever a bursty history says.</summary>
    public const double MaxMargin = 0.5;

    private readonly double[] _ring = new double[Math.Max(capacity, MinSamples)];
    private readonly double[] _sorted = new double[Math.Max(capacity, MinSamples)];
    private long _count;
    private double _previous = double.NaN;

    /// <summary>Rises recorded so far (capped at the ring's size).</summary>
    public int Count => (int)Math.Min(_count, _ring.Length);

    /// <summary>Records this tick's bound; the rise from the previous tick's bound joins the ring.</summary>
    public void Observe(double bound)
    {
        if (!double.IsFinite(bound) || bound <= 0)
        {
            _previous = double.NaN;
            return;
        }

        if (double.IsFinite(_previous))
        {
            var rise = (bound / _previous) - 1;
            var slot = (int)(_count % _ring.Length);
            var n = Count;
            if (n == _ring.Length)
            {
                n = RemoveSorted(n, _ring[slot]);
            }

            InsertSorted(n, rise);
            _ring[slot] = rise;
            _count++;
        }

        _previous = bound;
    }

    /// <summary>
    /// The <paramref name="quantile"/> of the recorded rises, floored at zero and capped at <see cref="MaxMargin"/>;
    /// zero with too few rises or a quantile of zero (off).
    /// </summary>
    public double Margin(double quantile)
    {
        var n = Count;
        if (quantile <= 0 || n < MinSamples)
        {
            return 0;
        }

        var at = Math.Clamp((int)Math.Ceiling((quantile * n) - 1e-9) - 1, 0, n - 1);
        return Math.Clamp(_sorted[at], 0, MaxMargin);
    }

    /// <summary>
    /// Share of the recorded rises above <paramref name="rise"/> (a relative slack): the odds that the next tick's bound
    /// passes what a scale-in leaves. Zero with too few rises.
    /// </summary>
    public double Exceedance(double rise)
    {
        var n = Count;
        if (n < MinSamples)
        {
            return 0;
        }

        // First index whose value is above the rise (binary search over the sorted copy).
        int lo = 0, hi = n;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_sorted[mid] <= rise)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return (double)(n - lo) / n;
    }

    /// <summary>Takes one copy of <paramref name="value"/> out of the first n sorted values; returns the new count.</summary>
    private int RemoveSorted(int n, double value)
    {
        var at = Array.BinarySearch(_sorted, 0, n, value);
        Array.Copy(_sorted, at + 1, _sorted, at, n - at - 1);
        return n - 1;
    }

    /// <summary>Puts <paramref name="value"/> into the first n sorted values at its place.</summary>
    private void InsertSorted(int n, double value)
    {
        var at = Array.BinarySearch(_sorted, 0, n, value);
        at = at < 0 ? ~at : at;
        Array.Copy(_sorted, at, _sorted, at + 1, n - at);
        _sorted[at] = value;
    }

    internal void Save(State.StateWriter w)
    {
        w.Write(_count);
        w.Write(_previous);
        w.Write(_ring);
        w.Write(_sorted);
    }

    internal void Load(State.StateReader r)
    {
        _count = r.Long();
        _previous = r.Double();
        r.Into(_ring);
        r.Into(_sorted);
    }
}
