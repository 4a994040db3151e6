namespace Dso.Controller.Experiments.Views;

/// <summary>A variant against one guardrail: the evidence (e-value) against the threshold 1 / false_stop_rate, and whether it stopped the variant.</summary>
public sealed record ExperimentGuardrailView(
    string Variant,
    string Metric,
    double Limit,
    double FalseStopRate,
    int Pairs,
    double MeanExcess,
    double Evidence,
    double Threshold,
    bool Stopped,
    long? StoppedAtGroup);
