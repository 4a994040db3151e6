namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Budget-bound degradation: when a hard budget cannot pay for the demand, spend it where demand is. The flat
/// affordable rate spends evenly over the period: troughs leave money unspent that is only spread thinly over the
/// rest of the month, and every peak is cut at the same dollar rate. Instead this finds the capacity ceiling C such
/// that serving demand up to C (and not above it) over the demand seen so far costs, per hour on average, what the
/// budget has left per hour: troughs are served in full, peaks up to C. That is the shape of the evaluator's
/// clairvoyant-budget reference (the largest constant ceiling that fits the budget), estimated online from the past
/// instead of the future. The estimate is refreshed every <see cref="Refresh"/>; the flat rate moves with what was
/// actually spent, so overspending lowers C and underspending raises it.
/// </summary>
internal sealed class BudgetCeiling
{
    /// <summary>How often C is re-solved (a binary search over the demand history).</summary>
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(15);

    /// <summary>Fewest demand samples to estimate the distribution from (with fewer the flat rate holds).</summary>
    private const int MinSamples = 60;

    private DateTimeOffset _solvedAt = DateTimeOffset.MinValue;
    private double _ceiling = double.NaN;

    /// <summary>
    /// The capacity ceiling (rps) that spends <paramref name="affordableHourly"/> on average over the demand in
    /// <paramref name="history"/>: +∞ when all of it fits (the budget does not bind), NaN when unknown (too little
    /// history, or even the floor fleet costs more: the flat rate and the guard decide then).
    /// </summary>
    /// <param name="now">The tick.</param>
    /// <param name="history">Observed demand per tick.</param>
    /// <param name="affordableHourly">USD per hour the budget can pay from now to the period's end.</param>
    /// <param name="usdPerRps">USD per hour one rps of demand costs (best price per rps with granularity and headroom).</param>
    /// <param name="floorHourly">USD per hour of the smallest fleet the policy allows, paid whatever the demand.</param>
    /// <param name="realizedRatio">Billed spend over modeled spend so far (see <see cref="SpendCalibration"/>): the price is scaled by it.</param>
    /// <param name="overhead">
    /// The fleet's cost over its demand at <paramref name="usdPerRps"/> (see <see cref="FleetOverhead"/>): demand is
    /// scaled by it, so the ceiling is the capacity the planner's fleet may reach (paid at the model's price), not demand.
    /// </param>
    public double Ceiling(DateTimeOffset now, DemandHistory history, double affordableHourly, double usdPerRps, double floorHourly, double realizedRatio = 1, double overhead = 1)
    {
        if (now - _solvedAt < Refresh)
        {
            return _ceiling;
        }

        _solvedAt = now;
        // Near is for the decision's reason only (not saved: after a restart the plain wording holds until the next solve).
        (_ceiling, Near) = SolveNear(history, affordableHourly, usdPerRps * realizedRatio, floorHourly, overhead, StuckTicks, NearBind);
        LeftOut = StuckTicks > 0 ? LeftOutRuns(history, Math.Max(0, history.Count - history.Capacity), StuckTicks) : (0, double.NaN);
        return _ceiling;
    }

    /// <summary>
    /// A run of this many identical non-zero values is a stuck series, not traffic (0 = keep everything): see <see cref="Traffic"/>.
    /// </summary>
    public int StuckTicks { get; init; }

    /// <summary>
    /// Share of the allowance above which serving all demand seen counts as binding, with the ceiling at the highest
    /// demand seen (1: only above the allowance). See <c>budget_near_bind</c>.
    /// </summary>
    public double NearBind { get; init; } = 1;

    /// <summary>Whether the last solve bound only because the demand seen is near the allowance (nothing seen is cut).</summary>
    public bool Near { get; private set; }

    /// <summary>The same non-zero value for this long is a stuck series (and at least <see cref="MinStuckTicks"/> ticks).</summary>
    public static readonly TimeSpan StuckSpan = TimeSpan.FromHours(6);

    /// <summary>Fewest identical values that make a stuck series, whatever the tick.</summary>
    public const int MinStuckTicks = 6;

    /// <summary>The stuck-run length for a tick: <see cref="StuckSpan"/>, at least <see cref="MinStuckTicks"/> ticks.</summary>
    public static int StuckTicksFor(TimeSpan tick) => tick > TimeSpan.Zero ? Math.Max((int)Math.Ceiling(StuckSpan / tick), MinStuckTicks) : 0;

    /// <summary>At the last solve: the ticks left out as a stuck series, and the value of the longest such run (for the decision's reason).</summary>
    public (long Ticks, double Value) LeftOut { get; private set; } = (0, double.NaN);

    /// <summary>
    /// The demand the ceiling projects from: the history from <paramref name="first"/> on, without runs of
    /// <paramref name="stuckTicks"/> or more identical non-zero values. Live traffic never repeats to the last digit
    /// for hours; an exporter that lost its source and keeps reporting the last value, or a store that carries it over
    /// missing rows, does, and the rest of the period will not look like it. The suite's nab-occupancy-6005 windows hold
    /// one value for 3.5 days: counted as demand, those days made the week look half as busy as it was, the ceiling
    /// stayed infinite for five days after them while the fleet spent 1.2 x clairvoyant-budget's daily money, and the
    /// last five days were starved (30-37 % unserved against its 11-13 %).
    /// </summary>
    internal static List<double> Traffic(DemandHistory history, long first, int stuckTicks)
    {
        var kept = new List<double>((int)(history.Count - first));
        var next = first;
        foreach (var (start, length) in StuckRuns(history, first, stuckTicks).Append((history.Count, 0)))
        {
            for (var j = next; j < start; j++)
            {
                kept.Add(history.At(j));
            }

            next = start + length;
        }

        return kept;
    }

    private static (long Ticks, double Value) LeftOutRuns(DemandHistory history, long first, int stuckTicks)
    {
        (long Ticks, double Value, long Longest) result = (0, double.NaN, 0);
        foreach (var (start, length) in StuckRuns(history, first, stuckTicks))
        {
            result = (result.Ticks + length, length > result.Longest ? history.At(start) : result.Value, Math.Max(result.Longest, length));
        }

        return (result.Ticks, result.Value);
    }

    /// <summary>Runs of <paramref name="stuckTicks"/> or more identical non-zero values from <paramref name="first"/> on (start, length).</summary>
    private static IEnumerable<(long Start, long Length)> StuckRuns(DemandHistory history, long first, int stuckTicks)
    {
        var runStart = first;
        for (var i = first; i <= history.Count; i++)
        {
            if (i < history.Count && i > runStart && history.At(i) == history.At(runStart))
            {
                continue;
            }

            // [runStart, i) holds one value.
            if (stuckTicks > 0 && i - runStart >= stuckTicks && history.At(runStart) > 0)
            {
                yield return (runStart, i - runStart);
            }

            runStart = i;
        }
    }

    internal static double Solve(DemandHistory history, double affordableHourly, double usdPerRps, double floorHourly, double overhead = 1, int stuckTicks = 0, double nearBind = 1) =>
        SolveNear(history, affordableHourly, usdPerRps, floorHourly, overhead, stuckTicks, nearBind).Ceiling;

    /// <summary>The ceiling, and whether it binds only because all demand seen is near the allowance (<paramref name="nearBind"/>).</summary>
    private static (double Ceiling, bool Near) SolveNear(DemandHistory history, double affordableHourly, double usdPerRps, double floorHourly, double overhead, int stuckTicks, double nearBind)
    {
        var first = Math.Max(0, history.Count - history.Capacity);
        if (!(usdPerRps > 0) || !double.IsFinite(affordableHourly) || history.Count - first < MinSamples)
        {
            return (double.NaN, false);
        }

        var demand = Traffic(history, first, stuckTicks).Select(d => d * overhead).ToArray();
        if (demand.Length < MinSamples)
        {
            return (double.NaN, false);
        }

        double MeanCost(double ceiling)
        {
            var sum = 0.0;
            foreach (var d in demand)
            {
                sum += Math.Max(floorHourly, Math.Min(d, ceiling) * usdPerRps);
            }

            return sum / demand.Length;
        }

        var top = demand.Max();
        var full = MeanCost(top);
        if (full <= affordableHourly)
        {
            // Near the allowance the fleet the planner buys for all of it (coverage headroom over the catalog's price)
            // already costs more than the allowance: bound at the highest demand seen, nothing seen is cut.
            return full > nearBind * affordableHourly ? (top, true) : (double.PositiveInfinity, false);
        }

        if (floorHourly >= affordableHourly)
        {
            return (double.NaN, false);
        }

        // MeanCost rises monotonically with the ceiling: bisect to a thousandth of the peak.
        double low = 0, high = top;
        while (high - low > top * 1e-3)
        {
            var mid = (low + high) / 2;
            (low, high) = MeanCost(mid) <= affordableHourly ? (mid, high) : (low, mid);
        }

        return (low, false);
    }

    internal void Save(State.StateWriter w)
    {
        w.Write(_solvedAt);
        w.Write(_ceiling);
        w.Write(LeftOut.Ticks);
        w.Write(LeftOut.Value);
    }

    internal void Load(State.StateReader r)
    {
        _solvedAt = r.Time();
        _ceiling = r.Double();
        LeftOut = (r.Long(), r.Double());
    }
}
