namespace Dso.Controller.Experiments.Views;

/// <summary><c>GET /api/v1/experiments/{name}</c>: the summary with every block, per-variant results, estimates and guardrails.</summary>
public sealed record ExperimentDetail
{
    public required ExperimentSummary Experiment { get; init; }

    /// <summary>The metric the comparisons are on (the primary one unless the request's <c>metric</c> names another).</summary>
    public required string Metric { get; init; }

    /// <summary>Every block so far, oldest first (the running one last, with <c>complete: false</c>).</summary>
    public required IReadOnlyList<ExperimentBlockView> Blocks { get; init; }

    public required IReadOnlyList<ExperimentVariantView> Variants { get; init; }

    /// <summary>Each variant against control on <see cref="Metric"/>, from complete blocks only.</summary>
    public required IReadOnlyList<ExperimentComparisonView> Comparisons { get; init; }

    public required IReadOnlyList<ExperimentGuardrailView> Guardrails { get; init; }

    /// <summary>How the estimate is computed, in words (design, test, correction).</summary>
    public required string Method { get; init; }
}
