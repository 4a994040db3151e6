using Dso.Abstractions.Catalog;
using Dso.Policies.Model;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// What target tracking would hold now (one type at a target utilization, scale-in stabilized), kept alongside
/// the optimizer so every decision can show the reactive alternative it beat or matched.
/// </summary>
internal sealed class ReactiveShadow(ServicePolicy policy)
{
    /// <summary>The reactive baseline's own default, so the comparison is with the stock baseline.</summary>
    private const double TargetUtilization = TargetTrackingStrategy.DefaultTargetUtilization;

    private readonly Queue<(DateTimeOffset At, int Desired)> _window = new();
    private readonly InstanceType _type = FleetMath.SmallestBestValue(policy.Catalog);

    public Fleet Next(DateTimeOffset now, double demand)
    {
        var desired = Math.Max(policy.Limits.MinInstances, (int)Math.Ceiling(demand / (_type.CapacityRps * TargetUtilization) - 1e-9));
        _window.Enqueue((now, desired));
        while (_window.Count > 0 && now - _window.Peek().At > policy.Limits.ScaleDownStabilization)
        {
            _window.Dequeue();
        }

        return Fleet.Of((_type.Name, _window.Max(w => w.Desired)));
    }
}
