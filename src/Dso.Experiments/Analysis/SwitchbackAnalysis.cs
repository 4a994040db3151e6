using Dso.Experiments.Design;
using Dso.Experiments.Metrics;

namespace Dso.Experiments.Analysis;

/// <summary>
/// Compares every variant of a switchback with its control on one metric, from complete blocks only: difference
/// of block means with the randomization-test interval and p-value (<see cref="RandomizationTest"/>), Holm's
/// correction across variants, and the sample size for a relative difference (<see cref="PowerEstimate"/>).
/// </summary>
public static class SwitchbackAnalysis
{
    public static IReadOnlyList<Comparison> Compare(SwitchbackDesign design, IEnumerable<BlockMetrics> blocks, ExperimentMetric metric, AnalysisOptions? options = null)
    {
        options ??= new AnalysisOptions();
        var complete = blocks.Where(b => b.Complete).ToList();
        var comparisons = new List<Comparison>();
        foreach (var variant in design.Variants.Skip(1))
        {
            comparisons.Add(CompareOne(design, complete, variant, metric, options));
        }

        var adjusted = Holm.Adjust(comparisons.Select(c => c.PValue).ToList());
        return comparisons.Select((c, i) => c with { AdjustedPValue = adjusted[i], Significant = adjusted[i] < options.Alpha }).ToList();
    }

    /// <summary>Per group of the design, the variant's and the control's block value (null where it has not run).</summary>
    public static IReadOnlyList<(double? Variant, double? Control)> Units(SwitchbackDesign design, IEnumerable<BlockMetrics> blocks, string variant, ExperimentMetric metric) =>
        blocks.Where(b => b.Variant == variant || b.Variant == design.Control)
            .GroupBy(b => design.GroupOf(b.Block))
            .OrderBy(g => g.Key)
            .Select(g => (
                g.Where(b => b.Variant == variant).Select(b => (double?)b.Value(metric)).FirstOrDefault(),
                g.Where(b => b.Variant == design.Control).Select(b => (double?)b.Value(metric)).FirstOrDefault()))
            .ToList();

    private static Comparison CompareOne(SwitchbackDesign design, IReadOnlyList<BlockMetrics> blocks, string variant, ExperimentMetric metric, AnalysisOptions options)
    {
        var units = Units(design, blocks, variant, metric);
        var variantValues = units.Where(u => u.Variant is not null).Select(u => u.Variant!.Value).ToList();
        var controlValues = units.Where(u => u.Control is not null).Select(u => u.Control!.Value).ToList();
        var pairs = units.Where(u => u.Variant is not null && u.Control is not null).Select(u => u.Variant!.Value - u.Control!.Value).ToList();
        var variantMean = variantValues.Count > 0 ? variantValues.Average() : double.NaN;
        var controlMean = controlValues.Count > 0 ? controlValues.Average() : double.NaN;
        var comparison = new Comparison
        {
            Variant = variant,
            Control = design.Control,
            Metric = metric,
            VariantBlocks = variantValues.Count,
            ControlBlocks = controlValues.Count,
            Pairs = pairs.Count,
            VariantMean = variantMean,
            ControlMean = controlMean,
            Difference = variantMean - controlMean,
            PValue = 1,
            ExactPValue = true,
        };
        if (pairs.Count == 0)
        {
            // No pair to test; without a block on a side the difference stays NaN: a 0 would read as "no difference".
            return comparison;
        }

        var test = new RandomizationTest(units, options, SplitMix64.Mix(design.Seed, (ulong)variant.GetHashCodeStable()));
        var (low, high) = test.Interval(options.Alpha);
        return comparison with
        {
            Difference = test.Observed,
            Low = low,
            High = high,
            PValue = test.PValue(),
            ExactPValue = test.Exact,
            Power = PowerEstimate.From(pairs, controlMean, blocks.Count, design.Variants.Count, options),
        };
    }

    /// <summary>A hash that does not change between processes (string.GetHashCode does), so results are reproducible.</summary>
    private static ulong GetHashCodeStable(this string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
