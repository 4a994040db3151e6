using Dso.Abstractions.Cloud;
using Dso.Abstractions.Metrics;
using Dso.Optimization;

namespace Dso.Reconcile;

/// <summary>
/// Holding: missing data is not zero demand. Keep the fleet (or go to the policy's fallback size) and keep routing
/// to serverless what was routed before; the guard then holds the plan to min/max, step, hourly cap and budget
/// like any other, so a fallback can never exceed them.
/// </summary>
public sealed partial class ServiceLoop
{
    /// <summary>The strategy name of a decision that holds the fleet because KPIs were missing.</summary>
    public const string HoldStrategy = "hold";

    private Proposal Hold(DateTimeOffset now, KpiReading reading, FleetState state, BudgetWindow budget)
    {
        var chosen = state.Fleet;
        var reason = $"no usable request rate from '{Policy.Metrics.Source}' ({reading.Problem ?? reading.Health.ToString()}): holding the fleet";
        if (Policy.Metrics.FallbackInstances is { } fallback && fallback > state.Fleet.Total)
        {
            var type = FleetMath.SmallestBestValue(Policy.Catalog);
            chosen = state.Fleet.With(type.Name, state.Fleet[type.Name] + fallback - state.Fleet.Total);
            reason = $"metric source '{Policy.Metrics.Source}' is down ({reading.Problem}): scaling to fallback of {fallback} instances";
        }

        var context = new PlanningContext
        {
            Now = now,
            ObservedDemand = double.NaN,
            Current = state.Fleet,
            Ready = state.Ready,
            Budget = budget,
        };
        var plan = new ScalingPlan(chosen, HoldStrategy, reason, []) { ServerlessRps = state.ServerlessRps, Pace = _lastPace };
        return new Proposal(plan, context, reading.Values, Held: true) { Arm = Arms?.ArmAt(now) };
    }
}
