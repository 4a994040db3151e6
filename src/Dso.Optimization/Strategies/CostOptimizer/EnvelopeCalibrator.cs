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
    /// <summary>Candidate levels for the optional features' multipliers (quantiles of demand/feature).</summary>
    private static readonly double[] GridLevels = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999];

    /// <summary>Floor of the level multiplier: the bound never falls far below what is being served now.</summary>
    private const double MinLevelMultiplier = 0.5;

    /// <summary>Nonzero samples a feature needs before a multiplier is fitted for it.</summary>
    private const int MinGridSamples = 10;

    /// <summary>Rounds of coordinate descent; the optimum settles in two or three.</summary>
    private const int DescentPasses = 2;

    /// <summary>Coverage levels tried, in order, below the target when the budget cannot sustain the target.</summary>
    private static readonly double[] Ladder = [0.99, 0.98, 0.95, 0.9, 0.8];

    private readonly int _features;
    private readonly bool[] _sqrtModes;
    private readonly double _quantile;
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

    /// <summary>Fitted multiplier per feature; NaN = feature not used. All NaN until enough history.</summary>
    public double[] Multipliers { get; private set; }

    public bool Fitted => Multipliers.Any(m => !double.IsNaN(m));

    public int Samples => _count;

    /// <summary>Quantile the current multipliers cover: the target, or a lower one the budget forced.</summary>
    public double ActiveQuantile { get; private set; }

    /// <summary>Mean bound (at least the floor) over the calibration window at the last fit: the capacity the planner expects to hold on average.</summary>
    public double MeanBound { get; private set; } = double.NaN;

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
    public void Refit(bool[] available, double maxMeanBound = double.PositiveInfinity)
    {
        var use = (bool[])available.Clone();
        use[0] = true;
        while (true)
        {
            var rows = Complete(use);
            if (rows.Count >= _minSamples)
            {
                foreach (var level in Ladder.Where(l => l < _quantile).Prepend(_quantile))
                {
                    (Multipliers, CatchAll, SqrtCatchAll) = Fit(rows, use, level);
                    MeanBound = rows.Average(i => Math.Max(Envelope(_x[i]) is var u && double.IsNaN(u) ? 0 : u, Floor));
                    ActiveQuantile = level;
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
                CatchAll = -1;
                MeanBound = double.NaN;
                return;
            }

            use[drop] = false;
        }
    }

    private List<int> Complete(bool[] use)
    {
        var rows = new List<int>(_count);
        for (var i = 0; i < _count; i++)
        {
            var ok = double.IsFinite(_y[i]);
            for (var j = 0; j < _features && ok; j++)
            {
                ok = !use[j] || double.IsFinite(_x[i][j]);
            }

            if (ok)
            {
                rows.Add(i);
            }
        }

        return rows;
    }

    /// <summary>
    /// Tries each usable feature as the catch-all (its multiplier is the smallest that leaves at most the allowed
    /// misses) and, for each, coordinate descent over the other features' multipliers (each from its grid, or off);
    /// keeps the envelope with the smallest mean bound plus priced shortfall. Trying every catch-all avoids the local optimum where the
    /// recent level, a poor predictor on a daily ramp, forces a wasteful seasonal multiplier.
    /// </summary>
    private (double[] Multipliers, int CatchAll, bool Sqrt) Fit(List<int> rows, bool[] use, double quantile)
    {
        (double[], int, bool) best = ([.. Enumerable.Repeat(double.NaN, _features)], -1, false);
        var bestCost = double.PositiveInfinity;
        var grids = Enumerable.Range(0, _features).Select(j => use[j] ? Grid(rows, j) : []).ToArray();
        for (var c = 0; c < _features; c++)
        {
            // A feature that is mostly zero (it speaks only when it expects something) cannot absorb the others' misses.
            var dense = use[c] && rows.Count(i => _x[i][c] > 0) * 2 > rows.Count;
            foreach (var sqrt in _sqrtModes)
            {
                if (dense)
                {
                    var (cost, multipliers) = FitWithCatchAll(rows, use, grids, c, quantile, sqrt);
                    if (cost < bestCost)
                    {
                        (bestCost, best) = (cost, (multipliers, c, sqrt));
                    }
                }
            }
        }

        return best;
    }

    private (double Cost, double[] Multipliers) FitWithCatchAll(List<int> rows, bool[] use, double[][] grids, int catchAll, double quantile, bool sqrt)
    {
        var n = rows.Count;
        var misses = Math.Max(0, n - (int)Math.Ceiling((n + 1) * quantile));
        var shortfallPrice = quantile / (1 - quantile);
        var optional = Enumerable.Range(0, _features).Where(j => use[j] && j != catchAll).ToArray();
        var choice = optional.Select(_ => double.NaN).ToArray();
        var heap = new PriorityQueue<double, double>(misses + 2);
        var others = new double[_x.Length];
        var (bestCost, bestBase) = Evaluate();
        for (var pass = 0; pass < DescentPasses; pass++)
        {
            var improved = false;
            for (var g = 0; g < optional.Length; g++)
            {
                var keep = choice[g];
                foreach (var m in grids[optional[g]])
                {
                    choice[g] = m;
                    var (cost, level) = Evaluate();
                    if (cost < bestCost - 1e-9)
                    {
                        (bestCost, bestBase, keep, improved) = (cost, level, m, true);
                    }
                }

                choice[g] = keep;
            }

            if (!improved)
            {
                break;
            }
        }

        double[] best = [.. Enumerable.Repeat(double.NaN, _features)];
        best[catchAll] = bestBase;
        for (var k = 0; k < optional.Length; k++)
        {
            best[optional[k]] = choice[k];
        }

        return (bestCost, best);

        (double Cost, double Level) Evaluate()
        {
            heap.Clear();
            foreach (var i in rows)
            {
                var v = 0.0;
                for (var k = 0; k < optional.Length; k++)
                {
                    if (!double.IsNaN(choice[k]))
                    {
                        v = Math.Max(v, choice[k] * _x[i][optional[k]]);
                    }
                }

                others[i] = Math.Max(v, Floor);
                if (others[i] < _y[i])
                {
                    var f = _x[i][catchAll];
                    var r = sqrt ? (_y[i] - f) / Math.Sqrt(Math.Max(f, 1)) : _y[i] / Math.Max(f, 1e-6);
                    heap.Enqueue(r, r);
                    if (heap.Count > misses + 1)
                    {
                        heap.Dequeue();
                    }
                }
            }

            var lowest = sqrt ? double.NegativeInfinity : MinLevelMultiplier;
            var level = heap.Count > misses ? Math.Max(heap.Peek(), lowest) : sqrt ? 0 : MinLevelMultiplier;
            // Expected capacity plus the priced expected shortfall (newsvendor: κ = q/(1-q) makes q the optimal
            // coverage of a single feature). Unlike counting missed rows, this sees that missing a burst's first
            // minutes costs far more than missing noise, so features that anticipate bursts win.
            var cost = 0.0;
            foreach (var i in rows)
            {
                var f = _x[i][catchAll];
                var u = Math.Max(sqrt ? f + level * Math.Sqrt(Math.Max(f, 1)) : level * f, others[i]);
                cost += u + shortfallPrice * Math.Max(0, _y[i] - u);
            }

            return (cost / n, level);
        }
    }

    /// <summary>Multiplier candidates for an optional feature: quantiles of demand/feature, plus "off" (NaN).</summary>
    /// <summary>Rows where the feature is zero say nothing about its multiplier and are left out.</summary>
    private double[] Grid(List<int> rows, int j)
    {
        var ratios = rows.Where(i => _x[i][j] > 0).Select(i => _y[i] / _x[i][j]).Order().ToArray();
        if (ratios.Length < MinGridSamples)
        {
            return [double.NaN];
        }

        return [double.NaN, .. GridLevels.Select(q => ratios[Math.Min(ratios.Length - 1, (int)(q * ratios.Length))]).Distinct()];
    }
}
