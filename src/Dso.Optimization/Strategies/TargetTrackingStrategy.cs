using Dso.Policies.Model;
using Dso.Policies.Parameters;

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

    public static readonly IReadOnlyList<ParameterSpec> Declared =
    [
        new("target_utilization", ParameterType.Number, DefaultTargetUtilization, "share of capacity", "size the fleet so observed demand uses this share of its capacity")
        {
            Min = 0, MinExclusive = true, Max = 1,
        },
    ];

    public string Name => StrategyName;

    public IReadOnlyList<ParameterSpec> Parameters => Declared;

    public IScalingPlanner CreatePlanner(ServicePolicy policy)
    {
        StrategyParameterCheck.Require(StrategyName, Declared, policy.Strategy);
        return new TargetTrackingPlanner(policy, policy.Strategy.Get("target_utilization", DefaultTargetUtilization));
    }
}
