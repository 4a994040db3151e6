namespace Dso.Controller.Experiments.Views;

/// <summary>
/// One experiment as <c>GET /api/v1/experiments</c> lists it. Times are service time (ISO-8601); durations are
/// minutes; metric names are the YAML's (<c>cost</c>, <c>cost_per1000_served</c>, ...).
/// </summary>
public sealed record ExperimentSummary
{
    public required string Name { get; init; }

    public required IReadOnlyList<string> Services { get; init; }

    /// <summary><c>switchback</c> or <c>split</c>.</summary>
    public required string Design { get; init; }

    /// <summary><c>scheduled</c> (before its start), <c>running</c>, <c>ended</c>, <c>stopped</c> (by an operator) or <c>promoted</c>.</summary>
    public required string State { get; init; }

    /// <summary>The design's identity (hash of services, variants, seed, block, washout): a changed design starts a new run.</summary>
    public required string Run { get; init; }

    public required DateTimeOffset Start { get; init; }

    public DateTimeOffset? End { get; init; }

    public required double MinDurationMinutes { get; init; }

    public required double BlockMinutes { get; init; }

    public required double WashoutMinutes { get; init; }

    public required string PrimaryMetric { get; init; }

    public required double Alpha { get; init; }

    /// <summary><c>recommend</c> or <c>promote</c>.</summary>
    public required string OnEnd { get; init; }

    /// <summary>Variant names, the control first.</summary>
    public required IReadOnlyList<string> Variants { get; init; }

    /// <summary>The block in force now (null before the start or after the end).</summary>
    public long? CurrentBlock { get; init; }

    /// <summary>Per service, the variant deciding now (null values when the experiment is not running).</summary>
    public required IReadOnlyDictionary<string, string?> CurrentVariants { get; init; }

    public required int BlocksCompleted { get; init; }

    public required IReadOnlyList<string> StoppedVariants { get; init; }

    public required ExperimentRecommendation Recommendation { get; init; }

    /// <summary>Where the experiment is declared (file:line:column).</summary>
    public required string Origin { get; init; }
}
