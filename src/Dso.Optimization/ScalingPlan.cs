using Dso.Abstractions.Catalog;
using Dso.Abstractions.Decisions;

namespace Dso.Optimization;

/// <summary>A planner's answer: the target fleet, the alternatives it weighed and why it chose.</summary>
public sealed record ScalingPlan(Fleet Target, string Strategy, string Reason, IReadOnlyList<PlanAlternative> Alternatives)
{
    public ForecastSummary? Forecast { get; init; }

    public BudgetStatus? Budget { get; init; }

    /// <summary>The strategy's budget pacing, if it paces a hard budget rather than spending at the flat affordable rate.</summary>
    public BudgetPace? Pace { get; init; }

    /// <summary>
    /// While a make-before-break swap's replacements boot, the hourly price its fleet may reach above the hard budget's
    /// pace (the replaced instances retire once the replacements serve, and the hour averages within the pace); null
    /// otherwise. The guard allows it up to what is left of the budget over one commitment, never above max_hourly_usd.
    /// </summary>
    public decimal? OverlapHourlyUsd { get; init; }

    /// <summary>
    /// Instances of the current fleet still inside their billing minimum: removing one saves nothing (its minimum is
    /// billed anyway) and loses what it serves, so the hard-budget trim keeps them until the minimum ends. Null when
    /// the strategy does not track launches.
    /// </summary>
    public Fleet? Committed { get; init; }

    /// <summary>Requests/s to route to the service's serverless offering until the next decision (0 = none).</summary>
    public double ServerlessRps { get; init; }
}
