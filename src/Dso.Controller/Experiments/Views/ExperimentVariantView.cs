namespace Dso.Controller.Experiments.Views;

/// <summary>One variant's overrides, state and results over its complete blocks (means per block and totals).</summary>
public sealed record ExperimentVariantView
{
    public required string Name { get; init; }

    public required bool Control { get; init; }

    /// <summary>The variant's overrides as YAML (empty for a variant that runs the service's own policy).</summary>
    public required string Overrides { get; init; }

    /// <summary>Services running this variant (a split); every service for a switchback.</summary>
    public required IReadOnlyList<string> Services { get; init; }

    public required bool Stopped { get; init; }

    public required int Blocks { get; init; }

    public required double MeasuredMinutes { get; init; }

    /// <summary>
    /// Means per complete block, by metric name (cost, cost_per1000_served, unserved_requests, slo_violation_minutes,
    /// scaling_actions); null before the variant's first complete block (a mean of nothing, not 0).
    /// </summary>
    public required IReadOnlyDictionary<string, double?> MeanPerBlock { get; init; }

    public required decimal TotalCostUsd { get; init; }

    public required double TotalRequestsServed { get; init; }

    public required double TotalUnservedRequests { get; init; }

    public required double TotalSloViolationMinutes { get; init; }

    public required int TotalScalingActions { get; init; }
}
