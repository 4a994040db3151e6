using Dso.Experiments.Metrics;

namespace Dso.Experiments.Guardrails;

/// <summary>Where a variant stands against one guardrail: the evidence so far and whether it was stopped.</summary>
public sealed record GuardrailStatus(
    string Variant,
    ExperimentMetric Metric,
    double Limit,
    double FalseStopRate,
    int Pairs,
    double MeanExcess,
    double Evidence,
    double Threshold,
    bool Stopped,
    long? StoppedAtGroup);
