namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Online, conformal-style calibration of the demand bound <c>U = max_j m_j · f_j</c> over a few predictive features
/// (recent level, seasonal peak, forecast quantile). From its own past — feature values paired with the demand that
/// then occurred — it picks the multipliers that make U cover that demand at the target quantile with the smallest
/// mean U. Feature 0 (recent level) is always on and absorbs what the others miss, so coverage holds by construction
/// on the calibration window; the other features only ever make the bound sharper.
/// </summary>
internal sealed class EnvelopeCalibrator
{
    /// <summary>Coverage levels tried, in order, below the target when the budget cannot sustain the target.</summary>
    private static readonly double[] Ladder = [0.99, 0.98, 0.95, 0.9, 0.8];

    private readonly int _features;
    private readonly bool[] _sqrtModes;
    private double _quantile;
    private readonly int _minSamples;
    private readonly double[][] _x;
    private readonly double[] _y;
    private int _count;
    private int _next;

    public EnvelopeCalibrator(int features, int capacity, double quantile, int minSamples, bool sqrtNoise = true)
    {
        _sqrtModes = sqrtNoise ? [false, true] : [false];
        _features = features;
        _quantile = quantile;
        ActiveQuantile = quantile;
        _minSamples = minSamples;
        _x = new double[capacity][];
        _y = new double[capacity];
        Multipliers = [.. Enumerable.Repeat(double.NaN, features)];
    }

    /// <summary>
    /// Demand the smallest fleet the policy allows always covers: samples below it can never be misses and the bound
    /// never needs to go below it, so quiet periods do not inflate the multipliers busy ones pay for.
    /// </summary>
    public double Floor { get; set; }

    /// <summary>
    /// A feature that may only be the catch-all, never an optional term of the bound (-1: none). The steady level is
    /// an alternative base for the whole bound; as one more term of a maximum it would only raise the bound.
    /// </summary>
    public int CatchAllOnly { get; init; } = -1;

    /// <summary>Samples below the floor needed before they are fitted on their own (see <see cref="Refit"/>).</summary>
    public int SubFloorSamples { get; init; }

    /// <summary>Days of samples below the floor before they are fitted on their own (the daily peak seen twice).</summary>
    public const int SubFloorDays = 2;

    /// <summary>Samples per day of demand (0: no regime test, see <see cref="EndedRegime"/>).</summary>
    public double SamplesPerDay { get; init; }

    /// <summary>Days a lower regime must have lasted before the samples of the one it ended are left out of the fit.</summary>
    public const double RegimeDays = 3;

    /// <summary>Days after which a regime that ran around the clock has ended (see <see cref="EndedRegime"/>).</summary>
    public const double ClockDays = 1;

    /// <summary>Hours of the day, of 24, in which a regime must have been above the mark to have run around the clock.</summary>
    public const int ClockHours = 20;

    /// <summary>Factor over the lower regime's highest demand that marks a sample as the old regime's.</summary>
    public const double RegimeJump = 1.5;

    /// <summary>
    /// Samples (oldest first) the last refit left out as an ended regime's (see <see cref="EndedRegime"/>); 0: none.
    /// </summary>
    public int EndedSamples { get; private set; }

    /// <summary>The ended regime's mark for explanations: demand above it is the old regime's (NaN: none left out).</summary>
    public double EndedAbove => RegimeJump * _endedLevel;

    /// <summary>
    /// Demand above which the ended regime's test must be made again (the highest of the days it read at the refit that
    /// left it out): a rise past it may be the old regime coming back. Infinite while none is left out.
    /// </summary>
    public double EndedRecheckAbove => EndedSamples > 0 ? _endedLevel : double.PositiveInfinity;

    private double _endedLevel = double.NaN;

    /// <summary>Days of lower demand the last refit that left out an ended regime read (NaN: none left out).</summary>
    public double EndedDays { get; private set; } = double.NaN;

    /// <summary>Days the samples the last refit used span when an ended regime was left out (NaN: none left out).</summary>
    public double FittedDays => EndedSamples > 0 && SamplesPerDay > 0 ? (_count - EndedSamples) / SamplesPerDay : double.NaN;

    /// <summary>Fitted multiplier per feature; NaN = feature not used. All NaN until enough history.</summary>
    public double[] Multipliers { get; private set; }

    public bool Fitted => Multipliers.Any(m => !double.IsNaN(m));

    /// <summary>
    /// True when the multipliers were fitted on samples that all sit below the floor: they say how demand strays below
    /// the smallest fleet, not how it first rises above it, so they may release the warm-up headroom but not raise it.
    /// </summary>
    public bool BelowFloorOnly { get; internal set; }

    public int Samples => _count;

    /// <summary>Quantile the current multipliers cover: the target, or a lower one the budget forced.</summary>
    public double ActiveQuantile { get; private set; }

    /// <summary>Mean bound (at least the floor) over the calibration window at the last fit: the capacity the planner expects to hold on average.</summary>
    public double MeanBound { get; private set; } = double.NaN;

    /// <summary>The coverage the next <see cref="Refit"/> aims at (self-correction moves it).</summary>
    public double TargetQuantile
    {
        get => _quantile;
        set => _quantile = value;
    }

    public void Add(double[] features, double actual)
    {
        _x[_next] = features;
        _y[_next] = actual;
        _next = (_next + 1) % _x.Length;
        _count = Math.Min(_count + 1, _x.Length);
    }

    /// <summary>
    /// True when the catch-all feature's term is additive in √demand (<c>f + m·√f</c>, the shape of counting noise,
    /// which is relatively larger when demand is low) rather than proportional (<c>m·f</c>).
    /// </summary>
    public bool SqrtCatchAll { get; private set; }

    /// <summary>Which feature absorbs the misses of the others (see <see cref="Refit"/>).</summary>
    public int CatchAll { get; private set; } = -1;

    /// <summary>The bound for one row's features; NaN when not fitted.</summary>
    public double Envelope(double[] features)
    {
        var u = double.NaN;
        for (var j = 0; j < _features; j++)
        {
            if (!double.IsNaN(Multipliers[j]) && double.IsFinite(features[j]))
            {
                var v = Term(j, features[j]);
                u = double.IsNaN(u) ? v : Math.Max(u, v);
            }
        }

        return u;
    }

    private double Term(int j, double f) =>
        j == CatchAll && SqrtCatchAll ? Math.Max(0, f + Multipliers[j] * Math.Sqrt(Math.Max(f, 1))) : Multipliers[j] * f;

    /// <summary>Index of the feature that sets the bound for these features (for explanations).</summary>
    public int Binding(double[] features)
    {
        var best = 0;
        var top = double.NegativeInfinity;
        for (var j = 0; j < _features; j++)
        {
            if (!double.IsNaN(Multipliers[j]) && double.IsFinite(features[j]) && Term(j, features[j]) > top)
            {
                top = Term(j, features[j]);
                best = j;
            }
        }

        return best;
    }

    /// <summary>
    /// Refits on samples whose features available now were available then; drops optional features (newest first)
    /// while too few such samples exist, so a feature that just became available does not inherit old misses.
    /// </summary>
    /// <param name="available">Which features exist now.</param>
    /// <param name="maxMeanBound">
    /// Mean capacity the budget can sustain. When the bound at the target quantile would need more, lower quantiles
    /// from <see cref="Ladder"/> are fitted until one fits: the deliberate degradation a budget below full coverage
    /// calls for (serve every predictable peak, give up on the rare unpredictable ones first).
    /// </param>
    /// <param name="maxQuantile">Coverage fitted for at most (a binding budget ceiling's, see <c>budget_bound_quantile</c>).</param>
    /// <param name="peakOver">
    /// Highest demand observed over the last so many days, every tick counted (null: the samples' alone): the samples are
    /// thinned and paired with the features of a few ticks before, so they learn a rise late.
    /// </param>
    public void Refit(bool[] available, double maxMeanBound = double.PositiveInfinity, double maxQuantile = 1, Func<double, double>? peakOver = null)
    {
        var start = Math.Min(_quantile, maxQuantile);
        var use = (bool[])available.Clone();
        use[0] = true;
        (EndedSamples, _endedLevel, EndedDays) = EndedRegime(start, peakOver) is var (ended, peak, days) && ended > 0 ? (ended, peak, days) : (0, double.NaN, double.NaN);
        while (true)
        {
            var rows = Complete(use, Floor);
            var belowFloor = false;
            if (rows.Count < _minSamples && Floor > 0)
            {
                // Demand has stayed below what the smallest fleet serves: no sample says anything about a miss, but
                // together they say how far demand strays from its features. Fitted on them once they span
                // SubFloorSamples (days, so that the daily peak has been seen), the bound follows that spread
                // instead of the warm-up headroom, which would otherwise decide for good.
                var all = Complete(use, 0);
                if (all.Count >= Math.Max(_minSamples, Math.Min(SubFloorSamples, _x.Length)))
                {
                    rows = all;
                    belowFloor = true;
                }
            }

            if (rows.Count >= _minSamples)
            {
                // The samples left out as below the floor count in no coverage, but a bound lifted above the floor on
                // them is capacity paid for on every such tick: the fit prices it (see EnvelopeFit.Fit).
                var below = belowFloor || Floor <= 0 ? null : BelowFloor(use, rows);
                foreach (var level in Ladder.Where(l => l < start).Prepend(start))
                {
                    (Multipliers, CatchAll, SqrtCatchAll) = new EnvelopeFit(_x, _y, _features, _sqrtModes, Floor, CatchAllOnly).Fit(rows, use, level, below);
                    MeanBound = rows.Average(i => Math.Max(Envelope(_x[i]) is var u && double.IsNaN(u) ? 0 : u, Floor));
                    ActiveQuantile = level;
                    BelowFloorOnly = belowFloor;
                    if (MeanBound <= maxMeanBound)
                    {
                        break;
                    }
                }

                return;
            }

            var drop = Array.FindLastIndex(use, u => u);
            if (drop <= 0)
            {
                Multipliers = [.. Enumerable.Repeat(double.NaN, _features)];
                BelowFloorOnly = false;
                CatchAll = -1;
                MeanBound = double.NaN;
                return;
            }

            use[drop] = false;
        }
    }

    /// <summary>
    /// Samples usable with these features. A sample whose demand and features all sit at or below the floor (an
    /// outage's zeros, a night at the minimum fleet) says nothing about any multiplier: it is left out, or a day of
    /// zeros would count as covered rows and let the bound miss real demand more often than the quantile allows.
    /// </summary>
    private List<int> Complete(bool[] use, double floor)
    {
        var rows = new List<int>(_count);
        for (var i = 0; i < _count; i++)
        {
            var ok = double.IsFinite(_y[i]) && Age(i) >= EndedSamples;
            var informative = _y[i] > floor;
            for (var j = 0; j < _features && ok; j++)
            {
                ok = !use[j] || double.IsFinite(_x[i][j]);
                informative |= use[j] && _x[i][j] > floor;
            }

            if (ok && informative)
            {
                rows.Add(i);
            }
        }

        return rows;
    }

    /// <summary>The usable samples <see cref="Complete"/> left out as below the floor (all but <paramref name="informative"/>).</summary>
    private List<int> BelowFloor(bool[] use, List<int> informative)
    {
        var all = Complete(use, 0);
        var below = new List<int>(Math.Max(0, all.Count - informative.Count));
        var k = 0;
        foreach (var i in all)
        {
            // Both lists are in index order: a merge.
            while (k < informative.Count && informative[k] < i)
            {
                k++;
            }

            if (k >= informative.Count || informative[k] != i)
            {
                below.Add(i);
            }
        }

        return below;
    }

    /// <summary>A sample's place in arrival order (0: the oldest kept).</summary>
    private int Age(int i) => _count < _x.Length ? i : (i - _next + _x.Length) % _x.Length;

    /// <summary>
    /// How many of the oldest samples belong to a regime that has ended: demand has stayed for <see cref="RegimeDays"/>
    /// at most 1/<see cref="RegimeJump"/> of what it reached before, on more samples than the fit at
    /// <paramref name="quantile"/> may leave uncovered (a level that fell for good, a square wave of spikes that stopped).
    /// Fitted with them, the bound keeps covering the old regime for as long as the window holds it (r49-08: four days at
    /// 4-12 x demand); fitted on the samples since, it covers the regime in force. Not when the same span a week before was
    /// as low (a weekend after a week of daily peaks: the peaks come back on Monday). After <see cref="ClockDays"/> only
    /// when the old regime ran around the clock: on its last day it was above the mark in at least
    /// <see cref="ClockHours"/> hours of the day, which daily peaks, however busy, are not.
    /// </summary>
    /// <param name="quantile">The coverage the fit aims at.</param>
    /// <param name="peakOver">Highest demand observed over the last so many days, every tick counted (null: the samples' alone).</param>
    private (int Ended, double Level, double Days) EndedRegime(double quantile, Func<double, double>? peakOver)
    {
        if (SamplesPerDay <= 0)
        {
            return (0, 0, 0);
        }

        var byAge = new double[_count];
        for (var i = 0; i < _count; i++)
        {
            byAge[Age(i)] = _y[i];
        }

        var clock = SamplesPerDay >= 24 ? EndedAfter(ClockDays, true) : (0, 0, 0);
        return clock.Ended > 0 ? clock : EndedAfter(RegimeDays, false);

        (int Ended, double Level, double Days) EndedAfter(double days, bool aroundTheClock)
        {
            var recent = (int)Math.Ceiling(days * SamplesPerDay);
            if (_count < recent + _minSamples)
            {
                return (0, 0, 0);
            }

            var level = peakOver?.Invoke(days) is { } p && double.IsFinite(p) ? Math.Max(0, p) : 0;
            for (var a = _count - recent; a < _count; a++)
            {
                level = double.IsFinite(byAge[a]) ? Math.Max(level, byAge[a]) : level;
            }

            var high = RegimeJump * level;
            var ended = 0;
            var count = 0;
            for (var a = 0; a < _count - recent; a++)
            {
                if (byAge[a] > high)
                {
                    ended = a + 1;
                    count++;
                }
            }

            // Samples the fit may leave uncovered: fewer old ones than that never held the bound up.
            if (level <= 0 || count <= Math.Max(0, _count - (int)Math.Ceiling((_count + 1) * quantile)))
            {
                return (0, 0, 0);
            }

            if (aroundTheClock)
            {
                // Hours of the day (counted from the samples' own phase) in which the old regime's last day was above the mark.
                var day = (int)Math.Round(SamplesPerDay);
                var hours = new bool[24];
                for (var a = Math.Max(0, ended - day); a < ended; a++)
                {
                    if (byAge[a] > high)
                    {
                        hours[(int)(a % day * 24L / day)] = true;
                    }
                }

                if (hours.Count(h => h) < ClockHours)
                {
                    return (0, 0, 0);
                }
            }

            var week = (int)Math.Round(7 * SamplesPerDay);
            if (_count - recent - week >= 0)
            {
                var before = 0.0;
                for (var a = _count - recent - week; a < _count - week; a++)
                {
                    before = double.IsFinite(byAge[a]) ? Math.Max(before, byAge[a]) : before;
                }

                if (before <= high)
                {
                    return (0, 0, 0);
                }
            }

            return (_count - ended >= _minSamples ? ended : 0, level, days);
        }
    }

    internal void Save(State.StateWriter w)
    {
        w.Write(_quantile);
        w.Write(ActiveQuantile);
        w.Write(MeanBound);
        w.Write(SqrtCatchAll);
        w.Write(CatchAll);
        w.Write(Multipliers);
        w.Write(_count);
        w.Write(_next);
        w.Write(_y);
        w.Write(_x);
    }

    /// <summary>The ended regime the last refit left out, for the explanations until the next refit (after <see cref="Save"/>'s record, last).</summary>
    internal void SaveEnded(State.StateWriter w)
    {
        w.Write(EndedSamples);
        w.Write(_endedLevel);
        w.Write(EndedDays);
    }

    /// <summary>Reads what <see cref="SaveEnded"/> wrote; a record saved before it was kept leaves none (the next refit finds it).</summary>
    internal void LoadEnded(State.StateReader r)
    {
        (EndedSamples, _endedLevel, EndedDays) = r.AtEnd ? (0, double.NaN, double.NaN) : (r.Count(_count), r.Double(), r.Double());
    }

    internal void Load(State.StateReader r)
    {
        _quantile = r.Double();
        ActiveQuantile = r.Double();
        MeanBound = r.Double();
        SqrtCatchAll = r.Bool();
        CatchAll = r.Int();
        var multipliers = r.Doubles(_features);
        Multipliers = multipliers.Length == _features ? multipliers : throw new State.PlannerStateException($"{multipliers.Length} multipliers where this planner fits {_features}");
        _count = r.Count(_x.Length);
        _next = r.Count(_x.Length - 1);
        r.Into(_y);
        r.Into(_x!, _features);
    }
}
