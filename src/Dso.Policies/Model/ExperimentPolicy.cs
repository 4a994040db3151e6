using Dso.Experiments.Guardrails;
using Dso.Experiments.Metrics;

namespace Dso.Policies.Model;

/// <summary>
/// An A/B test of policy variants on one service (a switchback in time) or on several alike services (a stable
/// hashed split), as declared under <c>experiments:</c>. Every variant's policy is fully resolved and validated.
/// </summary>
public sealed record ExperimentPolicy
{
    public required string Name { get; init; }

    public required IReadOnlyList<string> Services { get; init; }

    public required ExperimentDesignKind Design { get; init; }

    public required TimeSpan BlockLength { get; init; }

    public required TimeSpan Washout { get; init; }

    public required ulong Seed { get; init; }

    /// <summary>When the first block starts; null starts it when the experiment is first loaded.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>How long it runs from its start; null with an <see cref="End"/> or when it runs until removed.</summary>
    public TimeSpan? Duration { get; init; }

    public DateTimeOffset? End { get; init; }

    /// <summary>No winner is named before this much time has run, however early the estimate looks significant.</summary>
    public TimeSpan MinDuration { get; init; }

    public ExperimentMetric PrimaryMetric { get; init; } = ExperimentMetric.Cost;

    public double Alpha { get; init; } = 0.05;

    public IReadOnlyList<GuardrailRule> Guardrails { get; init; } = [];

    public ExperimentOnEnd OnEnd { get; init; } = ExperimentOnEnd.Recommend;

    /// <summary>The variants, control first.</summary>
    public required IReadOnlyList<ExperimentVariant> Variants { get; init; }

    public string Origin { get; init; } = "";

    public IReadOnlyList<string> VariantNames => Variants.Select(v => v.Name).ToList();
}
