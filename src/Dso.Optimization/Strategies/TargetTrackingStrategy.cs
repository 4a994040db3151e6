using Dso.Policies.Model;

namespace Dso.Optimization.Strategies;

/// <summary>
/// Reactive target tracking, as Kubernetes' HPA does it: size one instance type so the observed demand uses
/// <c>target_utilization</c> of capacity; scale up at once, scale in only to the largest size wanted during the
/// stabilization window. The baseline every smarter strategy is measured against.
/// </summary>
internal sealed class TargetTrackingStrategy : IScalingStrategy
{
    public const string StrategyName = "target-tracking";
    public const double DefaultTargetUtilization = 0.7;

    public string Name => StrategyName;

    public IScalingPlanner CreatePlanner(ServicePolicy policy) =>
        new TargetTrackingPlanner(policy, policy.Strategy.Get("target_utilization", DefaultTargetUtilization));
}
