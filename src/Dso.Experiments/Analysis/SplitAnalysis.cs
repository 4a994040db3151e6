using Dso.Experiments.Design;
using Dso.Experiments.Metrics;

namespace Dso.Experiments.Analysis;

/// <summary>
/// Compares the variants of a split (several alike services, each running one variant throughout). The unit is the
/// service, its value the mean of its complete blocks. The p-value is a permutation test over which services carry
/// which label (every relabelling enumerated up to <see cref="MaxExact"/>, else a seeded Monte Carlo draw): it treats
/// the hashed assignment as random, which it is for any service set chosen before the experiment's name and seed.
/// With few services the smallest possible p-value is large (2 vs 2 services: 1/3), so a split needs many services
/// to declare anything; no interval is given, since inverting the test over so few units is not informative.
/// </summary>
public static class SplitAnalysis
{
    public const int MaxExact = 20_000;

    /// <param name="assignment">Service to variant, as the split assigned them.</param>
    public static IReadOnlyList<Comparison> Compare(
        IReadOnlyList<string> variants,
        IReadOnlyDictionary<string, string> assignment,
        IEnumerable<(string Service, BlockMetrics Block)> blocks,
        ExperimentMetric metric,
        ulong seed,
        AnalysisOptions? options = null)
    {
        options ??= new AnalysisOptions();
        var perService = blocks.Where(b => b.Block.Complete)
            .GroupBy(b => b.Service, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (Value: g.Average(b => b.Block.Value(metric)), Blocks: g.Count()), StringComparer.Ordinal);
        var control = variants[0];
        var comparisons = new List<Comparison>();
        foreach (var variant in variants.Skip(1))
        {
            var v = assignment.Where(a => a.Value == variant && perService.ContainsKey(a.Key)).Select(a => perService[a.Key]).ToList();
            var c = assignment.Where(a => a.Value == control && perService.ContainsKey(a.Key)).Select(a => perService[a.Key]).ToList();
            var vMean = v.Count > 0 ? v.Average(x => x.Value) : double.NaN;
            var cMean = c.Count > 0 ? c.Average(x => x.Value) : double.NaN;
            var difference = v.Count > 0 && c.Count > 0 ? vMean - cMean : 0;
            var (p, exact) = v.Count > 0 && c.Count > 0
                ? PermutationP(v.Select(x => x.Value).Concat(c.Select(x => x.Value)).ToArray(), v.Count, SplitMix64.Mix(seed, (ulong)variant.Length), options.Draws)
                : (1.0, true);
            comparisons.Add(new Comparison
            {
                Variant = variant,
                Control = control,
                Metric = metric,
                VariantBlocks = v.Sum(x => x.Blocks),
                ControlBlocks = c.Sum(x => x.Blocks),
                Pairs = 0,
                VariantMean = vMean,
                ControlMean = cMean,
                Difference = difference,
                PValue = p,
                ExactPValue = exact,
            });
        }

        var adjusted = Holm.Adjust(comparisons.Select(x => x.PValue).ToList());
        return comparisons.Select((x, i) => x with { AdjustedPValue = adjusted[i], Significant = adjusted[i] < options.Alpha }).ToList();
    }

    /// <summary>Two-sided p-value of the difference of means of the first <paramref name="k"/> values against the rest.</summary>
    internal static (double P, bool Exact) PermutationP(double[] values, int k, ulong seed, int draws)
    {
        var n = values.Length;
        var total = values.Sum();
        double Stat(IEnumerable<int> chosen)
        {
            var sum = chosen.Sum(i => values[i]);
            return n == k ? 0 : Math.Abs(sum / k - (total - sum) / (n - k));
        }

        var observed = Stat(Enumerable.Range(0, k));
        var tolerance = 1e-9 * (1 + observed);
        if (Choose(n, k) <= MaxExact)
        {
            int hits = 0, count = 0;
            foreach (var combo in Combinations(n, k))
            {
                count++;
                hits += Stat(combo) >= observed - tolerance ? 1 : 0;
            }

            return ((double)hits / count, true);
        }

        var rng = new SplitMix64(seed);
        var index = Enumerable.Range(0, n).ToArray();
        var atLeast = 0;
        for (var d = 0; d < draws; d++)
        {
            for (var i = n - 1; i > 0; i--)
            {
                var j = rng.Below(i + 1);
                (index[i], index[j]) = (index[j], index[i]);
            }

            atLeast += Stat(index.Take(k)) >= observed - tolerance ? 1 : 0;
        }

        return ((1.0 + atLeast) / (1.0 + draws), false);
    }

    private static double Choose(int n, int k)
    {
        var result = 1.0;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }

    private static IEnumerable<int[]> Combinations(int n, int k)
    {
        var combo = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return combo;
            var i = k - 1;
            while (i >= 0 && combo[i] == n - k + i)
            {
                i--;
            }

            if (i < 0)
            {
                yield break;
            }

            combo[i]++;
            for (var j = i + 1; j < k; j++)
            {
                combo[j] = combo[j - 1] + 1;
            }
        }
    }
}
