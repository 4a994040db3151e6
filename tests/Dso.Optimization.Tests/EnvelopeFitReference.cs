namespace Dso.Optimization.Tests;

/// <summary>
/// The envelope fit as it was before it was made faster (a verbatim copy, kept only here): <see cref="EnvelopeFitTests"/>
/// checks that the production fit returns bit for bit what this one does. One fit of <see cref="EnvelopeCalibrator"/>'s multipliers at one coverage quantile, over its stored samples
/// (features <paramref name="x"/> paired with the demand <paramref name="y"/> that followed).
/// </summary>
internal sealed class EnvelopeFitReference(double[][] x, double[] y, int features, bool[] sqrtModes, double floor)
{
    /// <summary>Candidate levels for the optional features' multipliers (quantiles of demand/feature).</summary>
    private static readonly double[] GridLevels = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999];

    /// <summary>Floor of the level multiplier: the bound never falls far below what is being served now.</summary>
    private const double MinLevelMultiplier = 0.5;

    /// <summary>Nonzero samples a feature needs before a multiplier is fitted for it.</summary>
    private const int MinGridSamples = 10;

    /// <summary>Rounds of coordinate descent; the optimum settles in two or three.</summary>
    private const int DescentPasses = 2;

    /// <summary>
    /// Tries each usable feature as the catch-all (its multiplier is the smallest that leaves at most the allowed
    /// misses) and, for each, coordinate descent over the other features' multipliers (each from its grid, or off);
    /// keeps the envelope with the smallest mean bound plus priced shortfall. Trying every catch-all avoids the local optimum where the
    /// recent level, a poor predictor on a daily ramp, forces a wasteful seasonal multiplier.
    /// </summary>
    public (double[] Multipliers, int CatchAll, bool Sqrt) Fit(List<int> rows, bool[] use, double quantile)
    {
        (double[], int, bool) best = ([.. Enumerable.Repeat(double.NaN, features)], -1, false);
        var bestCost = double.PositiveInfinity;
        var grids = Enumerable.Range(0, features).Select(j => use[j] ? Grid(rows, j) : []).ToArray();
        for (var c = 0; c < features; c++)
        {
            // A feature that is mostly zero (it speaks only when it expects something) cannot absorb the others' misses.
            var dense = use[c] && rows.Count(i => x[i][c] > 0) * 2 > rows.Count;
            foreach (var sqrt in sqrtModes)
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
        var optional = Enumerable.Range(0, features).Where(j => use[j] && j != catchAll).ToArray();
        var choice = optional.Select(_ => double.NaN).ToArray();
        var heap = new PriorityQueue<double, double>(misses + 2);
        var others = new double[x.Length];
        // The bound of every optional feature but the one being varied, per row: the descent tries each candidate
        // multiplier of one feature against it instead of recomputing all features' maximum per candidate (a max is
        // exact, so the result is the same; this was most of the refit's time).
        var rest = new double[x.Length];
        var varied = -1;
        var (bestCost, bestBase) = Evaluate();
        for (var pass = 0; pass < DescentPasses; pass++)
        {
            var improved = false;
            for (var g = 0; g < optional.Length; g++)
            {
                var keep = choice[g];
                varied = -1;
                choice[g] = double.NaN;
                foreach (var i in rows)
                {
                    rest[i] = Others(i);
                }

                varied = g;
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
                varied = -1;
            }

            if (!improved)
            {
                break;
            }
        }

        double[] best = [.. Enumerable.Repeat(double.NaN, features)];
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
                var v = varied < 0 ? Others(i)
                    : double.IsNaN(choice[varied]) ? rest[i] : Math.Max(rest[i], choice[varied] * x[i][optional[varied]]);
                others[i] = Math.Max(v, floor);
                // Misses of the catch-all are judged without the floor (the floor's coverage is not the feature's).
                if (v < y[i])
                {
                    var f = x[i][catchAll];
                    var r = sqrt ? (y[i] - f) / Math.Sqrt(Math.Max(f, 1)) : y[i] / Math.Max(f, 1e-6);
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
                var f = x[i][catchAll];
                var u = Math.Max(sqrt ? f + level * Math.Sqrt(Math.Max(f, 1)) : level * f, others[i]);
                cost += u + shortfallPrice * Math.Max(0, y[i] - u);
            }

            return (cost / n, level);
        }

        double Others(int i)
        {
            var v = 0.0;
            for (var k = 0; k < optional.Length; k++)
            {
                if (!double.IsNaN(choice[k]))
                {
                    v = Math.Max(v, choice[k] * x[i][optional[k]]);
                }
            }

            return v;
        }
    }

    /// <summary>Multiplier candidates for an optional feature: quantiles of demand/feature, plus "off" (NaN).</summary>
    /// <summary>Rows where the feature is zero say nothing about its multiplier and are left out.</summary>
    private double[] Grid(List<int> rows, int j)
    {
        var ratios = rows.Where(i => x[i][j] > 0).Select(i => y[i] / x[i][j]).Order().ToArray();
        if (ratios.Length < MinGridSamples)
        {
            return [double.NaN];
        }

        return [double.NaN, .. GridLevels.Select(q => ratios[Math.Min(ratios.Length - 1, (int)(q * ratios.Length))]).Distinct()];
    }
}
