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

    /// <summary>Rounds of coordinate descent; the optimum settles in two or three.</summary>
    private const int DescentPasses = 3;

    private readonly int _features;
    private readonly double _quantile;
    private readonly int _minSamples;
    private readonly double[][] _x;
    private readonly double[] _y;
    private int _count;
    private int _next;

    public EnvelopeCalibrator(int features, int capacity, double quantile, int minSamples)
    {
        _features = features;
        _quantile = quantile;
        _minSamples = minSamples;
        _x = new double[capacity][];
        _y = new double[capacity];
        Multipliers = [.. Enumerable.Repeat(double.NaN, features)];
    }

    /// <summary>Fitted multiplier per feature; NaN = feature not used. All NaN until enough history.</summary>
    public double[] Multipliers { get; private set; }

    public bool Fitted => !double.IsNaN(Multipliers[0]);

    public int Samples => _count;

    public void Add(double[] features, double actual)
    {
        _x[_next] = features;
        _y[_next] = actual;
        _next = (_next + 1) % _x.Length;
        _count = Math.Min(_count + 1, _x.Length);
    }

    /// <summary>The bound for one row's features; NaN when not fitted.</summary>
    public double Envelope(double[] features)
    {
        var u = double.NaN;
        for (var j = 0; j < _features; j++)
        {
            if (!double.IsNaN(Multipliers[j]) && double.IsFinite(features[j]))
            {
                var v = Multipliers[j] * features[j];
                u = double.IsNaN(u) ? v : Math.Max(u, v);
            }
        }

        return u;
    }

    /// <summary>Index of the feature that sets the bound for these features (for explanations).</summary>
    public int Binding(double[] features)
    {
        var best = 0;
        var top = double.NegativeInfinity;
        for (var j = 0; j < _features; j++)
        {
            if (!double.IsNaN(Multipliers[j]) && double.IsFinite(features[j]) && Multipliers[j] * features[j] > top)
            {
                top = Multipliers[j] * features[j];
                best = j;
            }
        }

        return best;
    }

    /// <summary>
    /// Refits on samples whose features available now were available then; drops optional features (newest first)
    /// while too few such samples exist, so a feature that just became available does not inherit old misses.
    /// </summary>
    public void Refit(bool[] available)
    {
        var use = (bool[])available.Clone();
        use[0] = true;
        while (true)
        {
            var rows = Complete(use);
            if (rows.Count >= _minSamples)
            {
                Multipliers = Fit(rows, use);
                return;
            }

            var drop = Array.FindLastIndex(use, u => u);
            if (drop <= 0)
            {
                Multipliers = [.. Enumerable.Repeat(double.NaN, _features)];
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
    /// Coordinate descent over the optional features' multipliers (each from its grid, or off); for each setting the
    /// base multiplier is the smallest that leaves at most the allowed misses uncovered. Cost is the mean bound.
    /// </summary>
    private double[] Fit(List<int> rows, bool[] use)
    {
        var n = rows.Count;
        var misses = Math.Max(0, n - (int)Math.Ceiling((n + 1) * _quantile));
        var optional = Enumerable.Range(1, _features - 1).Where(j => use[j]).ToArray();
        var grids = optional.Select(j => Grid(rows, j)).ToArray();
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
                foreach (var m in grids[g])
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
        best[0] = bestBase;
        for (var k = 0; k < optional.Length; k++)
        {
            best[optional[k]] = choice[k];
        }

        return best;

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

                others[i] = v;
                if (v < _y[i])
                {
                    var r = _y[i] / Math.Max(_x[i][0], 1e-6);
                    heap.Enqueue(r, r);
                    if (heap.Count > misses + 1)
                    {
                        heap.Dequeue();
                    }
                }
            }

            var level = heap.Count > misses ? Math.Max(heap.Peek(), MinLevelMultiplier) : MinLevelMultiplier;
            var cost = 0.0;
            foreach (var i in rows)
            {
                cost += Math.Max(level * _x[i][0], others[i]);
            }

            return (cost / n, level);
        }
    }

    /// <summary>Multiplier candidates for an optional feature: quantiles of demand/feature, plus "off" (NaN).</summary>
    private double[] Grid(List<int> rows, int j)
    {
        var ratios = rows.Select(i => _y[i] / Math.Max(_x[i][j], 1e-6)).Order().ToArray();
        return [double.NaN, .. GridLevels.Select(q => ratios[Math.Min(ratios.Length - 1, (int)(q * ratios.Length))]).Distinct()];
    }
}
