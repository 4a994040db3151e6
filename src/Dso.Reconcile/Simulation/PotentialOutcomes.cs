using Dso.Experiments.Analysis;
using Dso.Experiments.Design;
using Dso.Experiments.Metrics;

namespace Dso.Reconcile.Simulation;

/// <summary>
/// What only a simulation can know about a switchback: each block's outcome had its variant run alone all along
/// (read from that variant's whole-trace run). Analysing those blocks with the same design gives the estimate the
/// switchback would have made without any interference between variants (no carry-over, no shared state), so the
/// gap between it and the switchback's own estimate measures interference, and its gap to the truth is sampling.
/// </summary>
public static class PotentialOutcomes
{
    /// <summary>The design's blocks, each filled from its assigned variant's whole-trace rows.</summary>
    public static IReadOnlyList<BlockMetrics> AssignedBlocks(SwitchbackDesign design, IReadOnlyDictionary<string, SimulationResult> wholeTrace)
    {
        var accumulator = new BlockMetricsAccumulator(design);
        var count = wholeTrace.Values.Min(r => r.Rows.Count);
        for (var i = 0; i < count; i++)
        {
            var variant = design.VariantOf(Math.Max(0, design.BlockAt(wholeTrace[design.Control].Rows[i].Start)));
            var row = wholeTrace[variant].Rows[i];
            accumulator.Observe(row.Start, row.End, row.Demand, row.ServingCapacity, row.HourlyCost, row.Action, variant);
        }

        var end = count > 0 ? wholeTrace[design.Control].Rows[count - 1].End : design.Start;
        return accumulator.Blocks(end);
    }

    /// <summary>
    /// The whole-trace relative difference on <paramref name="metric"/> counted over the blocks' measured time only
    /// (every complete block, washouts left out), for each variant against control.
    /// </summary>
    public static IReadOnlyDictionary<string, double> MeasuredTruth(SwitchbackDesign design, IReadOnlyDictionary<string, SimulationResult> wholeTrace, ExperimentMetric metric)
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (variant, result) in wholeTrace)
        {
            var accumulator = new BlockMetricsAccumulator(design);
            foreach (var row in result.Rows)
            {
                accumulator.Observe(row.Start, row.End, row.Demand, row.ServingCapacity, row.HourlyCost, row.Action, variant);
            }

            var end = result.Rows.Count > 0 ? result.Rows[^1].End : design.Start;
            totals[variant] = accumulator.Blocks(end).Where(b => b.Complete).Sum(b => b.Value(metric));
        }

        var control = totals[design.Control];
        return totals.Where(kv => kv.Key != design.Control)
            .ToDictionary(kv => kv.Key, kv => control == 0 ? 0 : (kv.Value - control) / control, StringComparer.Ordinal);
    }

    public static IReadOnlyList<Comparison> Compare(SwitchbackDesign design, IReadOnlyDictionary<string, SimulationResult> wholeTrace, ExperimentMetric metric, AnalysisOptions options) =>
        SwitchbackAnalysis.Compare(design, AssignedBlocks(design, wholeTrace), metric, options);
}
