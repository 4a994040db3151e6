using Dso.Experiments.Metrics;

namespace Dso.Experiments.Analysis;

/// <summary>
/// One variant against control on one metric: the difference of block means (variant - control, so negative is
/// cheaper), its interval, the randomization p-value and its Holm-adjusted value over all variants, and how many
/// more blocks a 5 % difference would need. Interval sides are null while too few groups exist to bound them; the
/// means and the difference are NaN while a side has no complete block (nothing is estimated, which 0 would hide).
/// </summary>
public sealed record Comparison
{
    public required string Variant { get; init; }

    public required string Control { get; init; }

    public required ExperimentMetric Metric { get; init; }

    public required int VariantBlocks { get; init; }

    public required int ControlBlocks { get; init; }

    /// <summary>Groups in which both ran, the pairs the power estimate and guardrails use.</summary>
    public required int Pairs { get; init; }

    public required double VariantMean { get; init; }

    public required double ControlMean { get; init; }

    public required double Difference { get; init; }

    public double? Low { get; init; }

    public double? High { get; init; }

    public required double PValue { get; init; }

    /// <summary>True when every possible assignment was enumerated, false for a Monte Carlo draw of them.</summary>
    public required bool ExactPValue { get; init; }

    public double AdjustedPValue { get; init; }

    public bool Significant { get; init; }

    /// <summary>A switchback's sample size: blocks needed for a 5 % difference.</summary>
    public PowerEstimate? Power { get; init; }

    /// <summary>A split's sample size: services (or days on the same services) needed for a 5 % difference.</summary>
    public SplitPowerEstimate? SplitPower { get; init; }

    public double? RelativeDifference => ControlMean != 0 ? Difference / ControlMean : null;

    public double? RelativeLow => ControlMean != 0 && Low is { } low ? low / ControlMean : null;

    public double? RelativeHigh => ControlMean != 0 && High is { } high ? high / ControlMean : null;
}
