using Dso.Controller.Experiments.Views;
using Dso.Experiments.Analysis;
using Dso.Experiments.Metrics;
using Dso.Policies.Model;

namespace Dso.Controller.Experiments;

/// <summary>What the API shows of a run: its summary and, in detail, blocks, per-variant results, estimates and guardrails.</summary>
internal sealed partial class ExperimentRun
{
    public const string SwitchbackMethod =
        "switchback: blocks in seeded random order within each group of one block per variant; the first washout of every block is left out; " +
        "difference of block means (variant - control) with a randomization test over the block assignment (exact p-value; interval by inverting the test under a constant effect); Holm's correction over variants";

    public const string SplitMethod =
        "split: each service runs one variant chosen by a stable hash; the unit is the service (mean of its complete blocks); " +
        "difference of arm means with a randomization test over the services' labels (exact under the hashed assignment; interval by inverting it under a constant effect, unbounded while too few services exist); " +
        "Holm's correction over variants; more services or more blocks per service needed for a 5 % difference; guardrails: one-sided permutation test against the limit after 1, 2, 4, ... blocks, spending the false-stop rate over the checks";

    public ExperimentSummary Summary(DateTimeOffset now)
    {
        lock (_gate)
        {
            var active = Active && now >= Design.Start && (End is not { } e || now < e);
            var current = Policy.Services.ToDictionary(
                s => s,
                s => active ? Arms[s].Inner.ArmAt(now)?.Variant : null,
                StringComparer.Ordinal);
            return new ExperimentSummary
            {
                Name = Policy.Name,
                Services = Policy.Services,
                Design = Policy.Design == ExperimentDesignKind.Split ? "split" : "switchback",
                State = _record.State,
                Run = RunId,
                Start = Design.Start,
                End = End,
                MinDurationMinutes = Policy.MinDuration.TotalMinutes,
                BlockMinutes = Design.BlockLength.TotalMinutes,
                WashoutMinutes = Design.Washout.TotalMinutes,
                PrimaryMetric = ExperimentMetricNames.Of(Policy.PrimaryMetric),
                Alpha = Policy.Alpha,
                OnEnd = Policy.OnEnd == ExperimentOnEnd.Promote ? "promote" : "recommend",
                Variants = Policy.VariantNames,
                CurrentBlock = active ? Design.BlockAt(now) : null,
                CurrentVariants = current,
                BlocksCompleted = _ledgers.Values.SelectMany(l => l.Blocks(now)).Where(b => b.Complete).Select(b => b.Block).Distinct().Count(),
                StoppedVariants = _record.StoppedVariants,
                Recommendation = Recommend(now),
                Origin = Policy.Origin,
            };
        }
    }

    public ExperimentDetail Detail(DateTimeOffset now, ExperimentMetric? metric)
    {
        var summary = Summary(now);
        lock (_gate)
        {
            var m = metric ?? Policy.PrimaryMetric;
            var analysis = Analyse(now, m);
            var blocks = ServiceBlocks(now).OrderBy(b => b.Block.Block).ThenBy(b => b.Service, StringComparer.Ordinal).ToList();
            return new ExperimentDetail
            {
                Experiment = summary,
                Metric = ExperimentMetricNames.Of(m),
                Blocks = blocks.Select(b => new ExperimentBlockView(
                    b.Block.Block, b.Service, b.Block.Variant, b.Block.Start, Design.BlockStart(b.Block.Block + 1), b.Block.Complete,
                    b.Block.MeasuredMinutes, b.Block.WashoutMinutes, b.Block.CostUsd, b.Block.RequestsServed, b.Block.UnservedRequests,
                    b.Block.CostPer1000Served, b.Block.SloViolationMinutes, b.Block.ScalingActions)).ToList(),
                Variants = Policy.Variants.Select(v => VariantView(v, blocks.Where(b => b.Block.Complete && b.Block.Variant == v.Name).Select(b => b.Block).ToList())).ToList(),
                Comparisons = analysis.Comparisons.Select(ComparisonView).ToList(),
                Guardrails = analysis.Guardrails.Select(g => new ExperimentGuardrailView(
                    g.Variant, ExperimentMetricNames.Of(g.Metric), g.Limit, g.FalseStopRate, g.Pairs, Finite(g.MeanExcess) ?? 0,
                    Finite(g.Evidence) ?? double.MaxValue, g.Threshold, g.Stopped || _record.StoppedVariants.Contains(g.Variant), g.StoppedAtGroup)).ToList(),
                Method = Split is null ? SwitchbackMethod : SplitMethod,
            };
        }
    }

    private ExperimentVariantView VariantView(ExperimentVariant variant, IReadOnlyList<BlockMetrics> complete) => new()
    {
        Name = variant.Name,
        Control = variant.Name == Design.Control,
        Overrides = variant.IsUnchanged ? "" : OverridesYaml.Format(variant.Overrides!),
        Services = Split is { } split ? split.Where(kv => kv.Value == variant.Name).Select(kv => kv.Key).ToList() : Policy.Services,
        Stopped = _record.StoppedVariants.Contains(variant.Name),
        Blocks = complete.Count,
        MeasuredMinutes = complete.Sum(b => b.MeasuredMinutes),
        MeanPerBlock = ExperimentMetricNames.Names.ToDictionary(kv => kv.Value, kv => complete.Count == 0 ? null : Finite(complete.Average(b => b.Value(kv.Key)))),
        TotalCostUsd = complete.Sum(b => b.CostUsd),
        TotalRequestsServed = complete.Sum(b => b.RequestsServed),
        TotalUnservedRequests = complete.Sum(b => b.UnservedRequests),
        TotalSloViolationMinutes = complete.Sum(b => b.SloViolationMinutes),
        TotalScalingActions = complete.Sum(b => b.ScalingActions),
    };

    private static ExperimentComparisonView ComparisonView(Comparison c) => new()
    {
        Variant = c.Variant,
        Control = c.Control,
        Metric = ExperimentMetricNames.Of(c.Metric),
        VariantBlocks = c.VariantBlocks,
        ControlBlocks = c.ControlBlocks,
        Pairs = c.Pairs,
        VariantMean = Finite(c.VariantMean),
        ControlMean = Finite(c.ControlMean),
        Difference = Finite(c.Difference),
        Low = Finite(c.Low),
        High = Finite(c.High),
        RelativeDifference = Finite(c.RelativeDifference),
        RelativeLow = Finite(c.RelativeLow),
        RelativeHigh = Finite(c.RelativeHigh),
        PValue = c.PValue,
        AdjustedPValue = c.AdjustedPValue,
        ExactPValue = c.ExactPValue,
        Significant = c.Significant,
        BlocksNeeded = c.Power?.BlocksNeeded,
        MoreBlocks = c.Power?.MoreBlocks,
        PowerNow = Finite(c.Power?.PowerNow ?? c.SplitPower?.PowerNow),
        Services = c.SplitPower is { } split ? split.VariantServices + split.ControlServices : null,
        ServicesNeeded = c.SplitPower?.ServicesNeeded,
        MoreServices = c.SplitPower?.MoreServices,
        BlocksPerServiceNeeded = c.SplitPower?.BlocksPerServiceNeeded,
        MoreBlocksPerService = c.SplitPower?.MoreBlocksPerService,
    };

    /// <summary>JSON has no NaN or infinity: a mean of no blocks is null.</summary>
    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
