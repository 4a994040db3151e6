namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// How far the demand bound the planner covers rises from one tick to the next, as a share of the bound, over its
/// recent ticks. Scale-in keeps this much room above the bound (the scale-in margin): on nasa-jul95 most scale-ins the
/// next tick reversed left less slack than the bound's usual one-tick rise, because a single busy minute moves the
/// "latest peak" feature (the bound's 90th-percentile rise there is 5 %, its 98th 18 %). Relative, so the margin
/// follows the level of demand; bounded, so the ring does not grow for a service that runs for months.
/// </summary>
internal sealed class BoundRises(int capacity)
{
    /// <summary>Rises needed before the quantile is trusted: below it the margin is zero (the warm-up headroom covers it).</summary>
    public const int MinSamples = 30;

    /// <summary>The margin never exceeds this share of the bound, whatever a bursty history says.</summary>
    public const double MaxMargin = 0.5;

    private readonly double[] _ring = new double[Math.Max(capacity, MinSamples)];
    private double[] _sorted = [];
    private long _count;
    private long _sortedAt = -1;
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
            _ring[_count % _ring.Length] = (bound / _previous) - 1;
            _count++;
        }

        _previous = bound;
    }

    /// <summary>
    /// The <paramref name="quantile"/> of the recorded rises, floored at zero and capped at <see cref="MaxMargin"/>;
    /// zero with too few rises or a quantile of zero (off). Sorted at most once per recorded rise.
    /// </summary>
    public double Margin(double quantile)
    {
        var n = Count;
        if (quantile <= 0 || n < MinSamples)
        {
            return 0;
        }

        if (_sortedAt != _count)
        {
            if (_sorted.Length != n)
            {
                _sorted = new double[n];
            }

            Array.Copy(_ring, _sorted, n);
            Array.Sort(_sorted);
            _sortedAt = _count;
        }

        var at = Math.Clamp((int)Math.Ceiling((quantile * n) - 1e-9) - 1, 0, n - 1);
        return Math.Clamp(_sorted[at], 0, MaxMargin);
    }
}
