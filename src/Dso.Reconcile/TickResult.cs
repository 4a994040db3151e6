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

    /// <summary>
    /// A terminal cloud error of this tick (after the retries: not found, unauthorized, invalid request, or an
    /// error of no known kind), as logged in the outcome; null when the cloud calls went through or failed transiently.
    /// </summary>
    public string? CloudError { get; init; }

    /// <summary>
    /// Set on the first tick of a loop whose month-to-date spend includes spend other service names recorded on its scale
    /// target (a rename): what was carried over, for the host to warn about. Null otherwise.
    /// </summary>
    public string? SpendCarriedOver { get; init; }

    /// <summary>Why this tick's planner state could not be saved (a restart now would learn afresh); null when it was, or was not due.</summary>
    public string? StateSaveFailed { get; init; }

    /// <summary>The provider took this tick's apply (or had nothing to do): a terminal cloud error is over.</summary>
    public bool CloudAnswered => Failure is null && CloudError is null
        && Outcome?.Status is Abstractions.Cloud.ApplyStatus.Applied or Abstractions.Cloud.ApplyStatus.Partial or Abstractions.Cloud.ApplyStatus.NoChange;
}
