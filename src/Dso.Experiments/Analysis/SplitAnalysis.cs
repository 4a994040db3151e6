using Dso.Experiments.Design;
using Dso.Experiments.Metrics;

namespace Dso.Experiments.Analysis;

/// <summary>
/// Compares the variants of a split (several alike services, each running one variant throughout). The unit is the
/// service (its blocks are not independent replicates: they share the service's size and traffic), its value the
/// mean of its complete blocks. For each variant against control: the difference of arm means, the randomization
/// test over which services carry which label (<see cref="PermutationTest"/>: exact under the hashed assignment,
/// whatever the distribution of service outcomes, where a Welch t-test on a handful of services would lean on
/// normality it cannot check), its inversion as the interval, Holm's correction across variants, and how many more
/// services or days a 5 % difference needs (<see cref="SplitPowerEstimate"/>). With few services the smallest
/// possible p-value is large (2 vs 2 services: 1/3), so the interval stays unbounded until enough services exist.
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
        var perService = Units(blocks, metric);
        var control = variants[0];
        var comparisons = new List<Comparison>();
        foreach (var variant in variants.Skip(1))
        {
            var v = Arm(assignment, perService, variant);
            var c = Arm(assignment, perService, control);
            var vMean = v.Count > 0 ? v.Average(x => x.Mean) : double.NaN;
            var cMean = c.Count > 0 ? c.Average(x => x.Mean) : double.NaN;
            var comparison = new Comparison
            {
                Variant = variant,
                Control = control,
                Metric = metric,
                VariantBlocks = v.Sum(x => x.Blocks),
                ControlBlocks = c.Sum(x => x.Blocks),
                Pairs = 0,
                VariantMean = vMean,
                ControlMean = cMean,
                // NaN while an arm has no complete block (as its mean is): a 0 would read as "no difference".
                Difference = vMean - cMean,
                PValue = 1,
                ExactPValue = true,
            };
            if (v.Count > 0 && c.Count > 0)
            {
                var test = new PermutationTest(v.Select(x => x.Mean).ToList(), c.Select(x => x.Mean).ToList(), options.Draws, SplitMix64.Mix(seed, (ulong)variant.Length));
                var (low, high) = test.Interval(options.Alpha);
                comparison = comparison with
                {
                    Low = low,
                    High = high,
                    PValue = test.PValue(),
                    ExactPValue = test.Exact,
                    SplitPower = SplitPowerEstimate.From(v, c, cMean, options),
                };
            }

            comparisons.Add(comparison);
        }

        var adjusted = Holm.Adjust(comparisons.Select(x => x.PValue).ToList());
        return comparisons.Select((x, i) => x with { AdjustedPValue = adjusted[i], Significant = adjusted[i] < options.Alpha }).ToList();
    }

    /// <summary>
    /// Per service with complete blocks: the mean of its block values, their count, and the variance of that mean due
    /// to block-to-block noise. The noise is what is left of a block after the service's own level and the hour's
    /// common swing (the mean over all services that block: a daily cycle moves every service alike and is not
    /// noise); neighbouring blocks are correlated, so the variance of the mean is σ²/B × (1 + ρ)/(1 - ρ) with ρ the
    /// lag-one correlation of those residuals, pooled over services.
    /// </summary>
    public static IReadOnlyDictionary<string, (double Mean, int Blocks, double NoiseVariance)> Units(IEnumerable<(string Service, BlockMetrics Block)> blocks, ExperimentMetric metric)
    {
        var series = blocks.Where(b => b.Block.Complete)
            .GroupBy(b => b.Service, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(b => b.Block.Block).Select(b => (b.Block.Block, Value: b.Block.Value(metric))).ToList(), StringComparer.Ordinal);
        var common = series.Values.SelectMany(x => x).GroupBy(x => x.Block).ToDictionary(g => g.Key, g => g.Average(x => x.Value));
        var residuals = new Dictionary<string, double[]>(StringComparer.Ordinal);
        double lagged = 0, squares = 0;
        foreach (var (service, values) in series)
        {
            var level = values.Average(x => x.Value);
            var swing = values.Average(x => common[x.Block]);
            var r = values.Select(x => x.Value - level - (common[x.Block] - swing)).ToArray();
            residuals[service] = r;
            for (var i = 0; i < r.Length; i++)
            {
                squares += r[i] * r[i];
                lagged += i > 0 && values[i].Block == values[i - 1].Block + 1 ? r[i] * r[i - 1] : 0;
            }
        }

        var rho = squares > 0 ? Math.Clamp(lagged / squares, 0, 0.95) : 0;
        return series.ToDictionary(kv => kv.Key, kv =>
        {
            var r = residuals[kv.Key];
            var variance = r.Length > 1 ? r.Sum(x => x * x) / (r.Length - 1) : 0;
            return (kv.Value.Average(x => x.Value), r.Length, variance / r.Length * (1 + rho) / (1 - rho));
        }, StringComparer.Ordinal);
    }

    private static List<(double Mean, int Blocks, double NoiseVariance)> Arm(
        IReadOnlyDictionary<string, string> assignment, IReadOnlyDictionary<string, (double Mean, int Blocks, double NoiseVariance)> perService, string variant) =>
        assignment.Where(a => a.Value == variant && perService.ContainsKey(a.Key))
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => perService[a.Key])
            .ToList();
}
