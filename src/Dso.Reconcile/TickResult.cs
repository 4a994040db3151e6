using Dso.Abstractions.Decisions;

namespace Dso.Reconcile;

/// <summary>One tick of one service: the decision, what applying it did, and how long deciding took.</summary>
public sealed record TickResult(ScalingDecision Decision, DecisionOutcome? Outcome, TimeSpan DecisionLatency, decimal SpentUsd, decimal ProjectedUsd)
{
    public ForecastAccuracy? Accuracy { get; init; }
}
