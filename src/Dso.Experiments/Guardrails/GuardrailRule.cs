using Dso.Experiments.Metrics;

namespace Dso.Experiments.Guardrails;

/// <summary>
/// "Stop a variant whose blocks are worse than control's on <see cref="Metric"/> by more than <see cref="Limit"/>
/// per block", with at most <see cref="FalseStopRate"/> chance of stopping a variant whose harm is at most the limit,
/// however often it is checked.
/// </summary>
public sealed record GuardrailRule(ExperimentMetric Metric, double Limit, double FalseStopRate = GuardrailRule.DefaultFalseStopRate)
{
    public const double DefaultFalseStopRate = 0.05;
}
