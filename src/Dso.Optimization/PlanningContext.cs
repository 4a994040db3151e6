using Dso.Abstractions.Catalog;
using Dso.Abstractions.Decisions;
using Dso.Forecasting;

namespace Dso.Optimization;

/// <summary>What a planner may use at one tick: never anything from after <see cref="Now"/>.</summary>
public sealed record PlanningContext
{
    public required DateTimeOffset Now { get; init; }

    /// <summary>The request rate observed in the latest interval (requests/s).</summary>
    public required double ObservedDemand { get; init; }

    /// <summary>Demand forecast for the coming steps, or null when the forecaster has nothing yet.</summary>
    public DemandForecast? Forecast { get; init; }

    /// <summary>Billed fleet now (including booting instances).</summary>
    public required Fleet Current { get; init; }

    /// <summary>Fleet already serving now.</summary>
    public required Fleet Ready { get; init; }

    public IReadOnlyList<AnomalyEvent> Anomalies { get; init; } = [];

    /// <summary>True when an anomaly asks for scale-up now (a surge the forecast has not seen).</summary>
    public bool ScaleUpNow { get; init; }

    /// <summary>True when an anomaly forbids scale-in this tick (an outage, a suspicious drop).</summary>
    public bool HoldScaleIn { get; init; }

    public required BudgetWindow Budget { get; init; }

    /// <summary>
    /// True when the planner plans in the shadow of an experiment: another variant's plan is in force, so the fleet
    /// and its unserved requests are that variant's. The planner learns about demand from such a tick, but nothing
    /// about its own outcomes (a switchback variant that judged itself on its rival's fleet would not adapt as it
    /// does alone, and the estimate would miss that part of the difference).
    /// </summary>
    public bool Shadow { get; init; }

    /// <summary>Whether the coming period is expected to be low, normal or peak demand for this service; null when unknown.</summary>
    public DemandScenario? DemandClass { get; init; }
}
