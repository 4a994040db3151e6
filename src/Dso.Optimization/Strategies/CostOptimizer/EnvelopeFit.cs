namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// One fit of <see cref="EnvelopeCalibrator"/>'s multipliers at one coverage quantile, over its stored samples
/// (features <paramref name="x"/> paired with the demand <paramref name="y"/> that followed). Feature
/// <paramref name="catchAllOnly"/> (-1: none) is tried as the catch-all but never as an optional term.
/// </summary>
/// <remarks>
/// The fit evaluates a few thousand candidate envelopes over up to 2,000 rows at every refit, which was a quarter of
/// <c>dso simulate</c>'s time. It copies the rows it fits into one contiguous array per feature and precomputes what
/// depends only on the catch-all feature (its miss ratio and √f), so the inner loops read flat arrays; every
/// arithmetic step and the order of every sum are those of the plain formulas, so the multipliers are bit for bit the
/// same (the reference copy in the tests checks that on random samples).
/// </remarks>
internal sealed class EnvelopeFit(double[][] x, double[] y, int features, bool[] sqrtModes, double floor, int catchAllOnly = -1)
{
    /// <summary>Candidate levels for the optional features' multipliers (quantiles of demand/feature).</summary>
    private static readonly double[] GridLevels = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999];

    /// <summary>Floor of the level multiplier: the bound never falls far below what is being served now.</summary>
    private const double MinLevelMultiplier = 0.5;

    /// <summary>Nonzero samples a feature needs before a multiplier is fitted for it.</summary>
    private const int MinGridSamples = 10;

    /// <summary>Rows between the checks whether a candidate can still beat the best (a power of two).</summary>
    private const int StopCheckRows = 64;

    /// <summary>Rounds of coordinate descent; the optimum settles in two or three.</summary>
    private const int DescentPasses = 2;

    /// <summary>
    /// Tries each usable feature as the catch-all (its multiplier is the smallest that leaves at most the allowed
    /// misses) and, for each, coordinate descent over the other features' multipliers (each from its grid, or off);
    /// keeps the envelope with the smallest mean bound plus priced shortfall. Trying every catch-all avoids the local optimum where the
    /// recent level, a poor predictor on a daily ramp, forces a wasteful seasonal multiplier.
    /// </summary>
    /// <param name="rows">The informative samples: coverage is counted over these.</param>
    /// <param name="use">Which features may be used.</param>
    /// <param name="quantile">The coverage to fit.</param>
    /// <param name="belowFloor">
    /// Samples whose demand and features all sit at or below the floor: never missed, so they count in no coverage,
    /// but a multiplier that lifts their bound above the floor buys capacity on them, and that is counted in the cost.
    /// </param>
    public (double[] Multipliers, int CatchAll, bool Sqrt) Fit(List<int> rows, bool[] use, double quantile, List<int>? belowFloor = null)
    {
        (double[], int, bool) best = ([.. Enumerable.Repeat(double.NaN, features)], -1, false);
        var bestCost = double.PositiveInfinity;
        var n = rows.Count;
        var columns = new double[features][];
        var below = belowFloor ?? [];
        var subColumns = new double[features][];
        var demand = new double[n];
        for (var r = 0; r < n; r++)
        {
            demand[r] = y[rows[r]];
        }

        for (var j = 0; j < features; j++)
        {
            if (!use[j])
            {
                continue;
            }

            var column = columns[j] = new double[n];
            for (var r = 0; r < n; r++)
            {
                column[r] = x[rows[r]][j];
            }

            var sub = subColumns[j] = new double[below.Count];
            for (var r = 0; r < below.Count; r++)
            {
                sub[r] = x[below[r]][j];
            }
        }

        // A catch-all-only feature is never an optional term: it needs no grid of multipliers.
        var grids = Enumerable.Range(0, features).Select(j => use[j] && j != catchAllOnly ? Grid(columns[j], demand) : []).ToArray();
        var scratch = new Scratch(n, below.Count);
        for (var c = 0; c < features; c++)
        {
            // A feature that is mostly zero (it speaks only when it expects something) cannot absorb the others' misses.
            var dense = use[c] && columns[c].Count(v => v > 0) * 2 > n;
            foreach (var sqrt in sqrtModes)
            {
                if (dense)
                {
                    var (cost, multipliers) = FitWithCatchAll(columns, subColumns, demand, use, grids, c, quantile, sqrt, scratch);
                    if (cost < bestCost)
                    {
                        (bestCost, best) = (cost, (multipliers, c, sqrt));
                    }
                }
            }
        }

        return best;
    }

    /// <summary>Per-row work arrays, allocated once per <see cref="Fit"/> and reused by every catch-all tried.</summary>
    private sealed class Scratch(int n, int below)
    {
        public readonly double[] SubOthers = new double[below];
        public readonly double[] SubRest = new double[below];
        public readonly double[] SubRoot = new double[below];

        public readonly double[] Others = new double[n];
        public readonly double[] Rest = new double[n];
        public readonly double[] Ratio = new double[n];
        public readonly double[] Root = new double[n];
        public readonly double[] Heap = new double[n + 2];
    }

    private (double Cost, double[] Multipliers) FitWithCatchAll(double[][] columns, double[][] subColumns, double[] demand, bool[] use, double[][] grids,
        int catchAll, double quantile, bool sqrt, Scratch s)
    {
        var n = demand.Length;
        var subN = s.SubRoot.Length;
        var subF = subColumns[catchAll];
        for (var r = 0; r < subN; r++)
        {
            s.SubRoot[r] = Math.Sqrt(Math.Max(subF[r], 1));
        }

        var misses = Math.Max(0, n - (int)Math.Ceiling((n + 1) * quantile));
        var shortfallPrice = quantile / (1 - quantile);
        var optional = Enumerable.Range(0, features).Where(j => use[j] && j != catchAll && j != catchAllOnly).ToArray();
        var choice = optional.Select(_ => double.NaN).ToArray();
        var f = columns[catchAll];
        // What the catch-all contributes depends only on its own feature: its miss ratio and √f are the same for every
        // candidate the descent tries.
        for (var r = 0; r < n; r++)
        {
            s.Root[r] = Math.Sqrt(Math.Max(f[r], 1));
            s.Ratio[r] = sqrt ? (demand[r] - f[r]) / s.Root[r] : demand[r] / Math.Max(f[r], 1e-6);
        }

        // The bound of every optional feature but the one being varied, per row: the descent tries each candidate
        // multiplier of one feature against it instead of recomputing all features' maximum per candidate (a max is
        // exact, so the result is the same; this was most of the refit's time).
        AllOthers(s.Others, s.SubOthers);
        var (bestCost, bestBase) = Evaluate(s.Others);
        // The step (pass · features + g) of the last accepted candidate. A feature whose last scan came after every
        // change of the others would see exactly the costs it saw then, none below the current best: it is skipped.
        var lastChange = -1;
        for (var pass = 0; pass < DescentPasses; pass++)
        {
            var improved = false;
            for (var g = 0; g < optional.Length; g++)
            {
                var step = (pass * optional.Length) + g;
                if (pass > 0 && lastChange <= step - optional.Length)
                {
                    continue;
                }

                var keep = choice[g];
                choice[g] = double.NaN;
                AllOthers(s.Rest, s.SubRest);
                var column = columns[optional[g]];
                var subColumn = subColumns[optional[g]];
                foreach (var m in grids[optional[g]])
                {
                    choice[g] = m;
                    if (double.IsNaN(m))
                    {
                        Array.Copy(s.Rest, s.Others, n);
                        Array.Copy(s.SubRest, s.SubOthers, subN);
                    }
                    else
                    {
                        EnvelopeCostFilter.MaxScaled(s.Others, s.Rest, m, column, n);
                        EnvelopeCostFilter.MaxScaled(s.SubOthers, s.SubRest, m, subColumn, subN);
                    }

                    var (cost, level) = Evaluate(s.Others, bestCost - 1e-9);
                    if (cost < bestCost - 1e-9)
                    {
                        (bestCost, bestBase, keep, improved, lastChange) = (cost, level, m, true, step);
                    }
                }

                choice[g] = keep;
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

        // The optional features' bound per row with the current choices (before the floor).
        void AllOthers(double[] into, double[] subInto)
        {
            Array.Clear(into, 0, n);
            Array.Clear(subInto, 0, subN);
            for (var k = 0; k < optional.Length; k++)
            {
                var m = choice[k];
                if (double.IsNaN(m))
                {
                    continue;
                }

                EnvelopeCostFilter.MaxScaled(into, into, m, columns[optional[k]], n);
                EnvelopeCostFilter.MaxScaled(subInto, subInto, m, subColumns[optional[k]], subN);
            }
        }

        // others holds the optional features' bound per row; it is raised to the floor here. A candidate whose mean
        // cost cannot get below stopAt is abandoned part-way (cost +∞): every row adds a term ≥ 0 (bounds are at least
        // the floor ≥ 0, the priced shortfall ≥ 0) and a rounded sum never decreases when a term ≥ 0 is added, so once
        // the running sum / n reaches stopAt the full sum / n would too, and the candidate would be rejected anyway.
        // The check runs every StopCheckRows rows. Before it, EnvelopeCostFilter rejects most candidates in SIMD lanes.
        (double Cost, double Level) Evaluate(double[] others, double stopAt = double.PositiveInfinity)
        {
            // A row counts against the catch-all when the other features miss it, whether or not the floor happens
            // to cover it: the floor's coverage is not the feature's, and a multiplier fitted with its help (x0.5 on
            // nasa-jul-early, whose floor of three instances covered the first days) leaves the bound at the floor
            // when demand outgrows it. The floor still counts in the cost: it is paid for anyway.
            var heap = new BoundedMinHeap(s.Heap, misses + 1);
            EnvelopeCostFilter.OfferMisses(ref heap, misses + 1, others, demand, s.Ratio, floor, n);

            var lowest = sqrt ? double.NegativeInfinity : MinLevelMultiplier;
            var level = heap.Count > misses ? Math.Max(heap.Min, lowest) : sqrt ? 0 : MinLevelMultiplier;
            // Expected capacity plus the priced expected shortfall (newsvendor: κ = q/(1-q) makes q the optimal
            // coverage of a single feature). Unlike counting missed rows, this sees that missing a burst's first
            // minutes costs far more than missing noise, so features that anticipate bursts win.
            if (floor >= 0 && EnvelopeCostFilter.CertainlyAtLeast(f, s.Root, others, demand, n, sqrt, level, shortfallPrice, stopAt))
            {
                return (double.PositiveInfinity, level);
            }

            var cost = 0.0;
            for (var r = 0; r < n; r++)
            {
                var u = Math.Max(sqrt ? f[r] + level * s.Root[r] : level * f[r], others[r]);
                cost += u + shortfallPrice * Math.Max(0, demand[r] - u);
                if ((r & (StopCheckRows - 1)) == StopCheckRows - 1 && cost / n >= stopAt)
                {
                    return (double.PositiveInfinity, level);
                }
            }

            // Capacity the bound buys above the floor on the samples below it (a seasonal multiplier fitted on one
            // evening's ramp, x8 on a quiet morning's 35 rps, held 270-450 rps against a 267 rps floor all day):
            // never a miss there, but paid for. Added after the informative rows, so the early exits above stay exact
            // lower bounds.
            for (var r = 0; r < subN; r++)
            {
                var u = Math.Max(sqrt ? subF[r] + level * s.SubRoot[r] : level * subF[r], s.SubOthers[r]);
                cost += Math.Max(0, u - floor);
            }

            return (cost / n, level);
        }
    }

    /// <summary>Multiplier candidates for an optional feature: quantiles of demand/feature, plus "off" (NaN).</summary>
    /// <summary>Rows where the feature is zero say nothing about its multiplier and are left out.</summary>
    private static double[] Grid(double[] column, double[] demand)
    {
        var ratios = Enumerable.Range(0, column.Length).Where(r => column[r] > 0).Select(r => demand[r] / column[r]).ToArray();
        Array.Sort(ratios);
        if (ratios.Length < MinGridSamples)
        {
            return [double.NaN];
        }

        return [double.NaN, .. GridLevels.Select(q => ratios[Math.Min(ratios.Length - 1, (int)(q * ratios.Length))]).Distinct()];
    }
}
