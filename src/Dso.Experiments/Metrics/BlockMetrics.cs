namespace Dso.Experiments.Metrics;

/// <summary>
/// What one block of one variant did in its measured time (after the washout). Blocks are the experiment's units:
/// the analysis compares them, never single ticks, because ticks inside a block are not independent.
/// </summary>
public sealed record BlockMetrics
{
    public required long Block { get; init; }

    public required string Variant { get; init; }

    public required DateTimeOffset Start { get; init; }

    /// <summary>Minutes measured (block length minus washout, less when the block is still running).</summary>
    public double MeasuredMinutes { get; init; }

    /// <summary>Minutes left out at the block's start because the previous variant's fleet still shaped them.</summary>
    public double WashoutMinutes { get; init; }

    public decimal CostUsd { get; init; }

    public double RequestsServed { get; init; }

    public double UnservedRequests { get; init; }

    public double SloViolationMinutes { get; init; }

    public int ScalingActions { get; init; }

    /// <summary>True once the block's time is over; the analysis uses only complete blocks.</summary>
    public bool Complete { get; init; }

    public double CostPer1000Served => RequestsServed > 0 ? (double)CostUsd * 1000 / RequestsServed : 0;

    public double Value(ExperimentMetric metric) => metric switch
    {
        ExperimentMetric.Cost => (double)CostUsd,
        ExperimentMetric.CostPer1000Served => CostPer1000Served,
        ExperimentMetric.UnservedRequests => UnservedRequests,
        ExperimentMetric.SloViolationMinutes => SloViolationMinutes,
        ExperimentMetric.ScalingActions => ScalingActions,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown experiment metric"),
    };
}
