namespace Dso.Controller.Experiments.Views;

/// <summary>
/// A variant against control: difference of block means (variant − control; negative = lower = better for every
/// metric), its 1 − alpha interval (null sides: too few blocks to bound), the same relative to control's mean, the
/// randomization p-value and its Holm-adjusted value, and how many more blocks a 5 % difference would need. Means,
/// difference and interval are null (never 0) while the variant or control has no complete block: nothing is estimated yet.
/// </summary>
public sealed record ExperimentComparisonView
{
    public required string Variant { get; init; }

    public required string Control { get; init; }

    public required string Metric { get; init; }

    public required int VariantBlocks { get; init; }

    public required int ControlBlocks { get; init; }

    public required int Pairs { get; init; }

    public double? VariantMean { get; init; }

    public double? ControlMean { get; init; }

    public double? Difference { get; init; }

    public double? Low { get; init; }

    public double? High { get; init; }

    public double? RelativeDifference { get; init; }

    public double? RelativeLow { get; init; }

    public double? RelativeHigh { get; init; }

    public required double PValue { get; init; }

    public required double AdjustedPValue { get; init; }

    public required bool ExactPValue { get; init; }

    public required bool Significant { get; init; }

    /// <summary>Blocks needed in all to detect a 5 % difference with 80 % power (null before two pairs).</summary>
    public int? BlocksNeeded { get; init; }

    public int? MoreBlocks { get; init; }

    public double? PowerNow { get; init; }

    /// <summary>A split: services in the two arms now, and the services in all that a 5 % difference needs (null for a switchback).</summary>
    public int? Services { get; init; }

    public int? ServicesNeeded { get; init; }

    public int? MoreServices { get; init; }

    /// <summary>A split: complete blocks per service (on the same services) that a 5 % difference needs; null when more days cannot reach it.</summary>
    public int? BlocksPerServiceNeeded { get; init; }

    public int? MoreBlocksPerService { get; init; }
}
