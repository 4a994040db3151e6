using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;

namespace Dso.Reconcile;

/// <summary>One tick of one service: the decision, what applying it did, and how long deciding took.</summary>
public sealed record TickResult(ScalingDecision Decision, DecisionOutcome? Outcome, TimeSpan DecisionLatency, decimal SpentUsd, decimal ProjectedUsd)
{
    public ForecastAccuracy? Accuracy { get; init; }

    /// <summary>What the metric source answered this tick (its health and problem feed <c>/healthz</c>); null when the tick failed before reading.</summary>
    public KpiReading? Source { get; init; }

    /// <summary>Set when the tick threw: <see cref="Decision"/> is then the failed decision, holding the fleet.</summary>
    public TickFailure? Failure { get; init; }
}
