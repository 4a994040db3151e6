using Dso.Abstractions.Catalog;
using Dso.Abstractions.Decisions;
using Dso.Policies.Model;

namespace Dso.Optimization.Strategies;

/// <summary>Per-service state of <see cref="TargetTrackingStrategy"/>: the window of recent desired sizes.</summary>
internal sealed class TargetTrackingPlanner(ServicePolicy policy, double targetUtilization) : IScalingPlanner
{
    private readonly Queue<(DateTimeOffset At, int Desired)> _window = new();
    private readonly InstanceType _type = FleetMath.SmallestBestValue(policy.Catalog);

    public ScalingPlan Plan(PlanningContext context)
    {
        var desired = FleetMath.InstancesFor(context.ObservedDemand, _type.CapacityRps, targetUtilization, policy.Limits.MinInstances, policy.Limits.MaxInstances);
        _window.Enqueue((context.Now, desired));
        while (_window.Count > 0 && context.Now - _window.Peek().At > policy.Limits.ScaleDownStabilization)
        {
            _window.Dequeue();
        }

        var stabilized = _window.Max(w => w.Desired);
        var target = Fleet.Empty.With(_type.Name, stabilized);
        var current = context.Current;
        var reason = stabilized > current.Total
            ? $"demand {context.ObservedDemand:0.#} rps needs {desired} x {_type.Name} at {targetUtilization:P0} utilization"
            : stabilized < current.Total
                ? $"demand {context.ObservedDemand:0.#} rps stayed below {stabilized} x {_type.Name} for {policy.Limits.ScaleDownStabilization}"
                : $"demand {context.ObservedDemand:0.#} rps is served by {stabilized} x {_type.Name}";
        var alternatives = new[]
        {
            Alternative("keep", current, context),
            Alternative("reactive", target, context),
        };
        return new ScalingPlan(target, TargetTrackingStrategy.StrategyName, reason, alternatives);
    }

    private PlanAlternative Alternative(string name, Fleet fleet, PlanningContext context)
    {
        var capacity = policy.Catalog.Capacity(fleet);
        return new PlanAlternative(name, fleet, policy.Catalog.HourlyCost(fleet), capacity, Math.Max(0, context.ObservedDemand - capacity), "");
    }
}
