using Dso.Policies.Model;
using Dso.Policies.Parameters;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Cost-aware scaling: each tick, the cheapest fleet mix (CP-SAT over instance types) whose capacity covers the
/// coming demand at a policy-set quantile, given boot delay, billing minimums, limits and the budget; run as named
/// steps (emergency scale-out, forecast pre-scale, consolidation, scale-in). Works without a forecast from its own
/// calibrated view of demand, and uses the forecast when there is one.
/// </summary>
internal sealed class CostOptimizerStrategy : IScalingStrategy
{
    public const string StrategyName = "cost-optimizer";

    public string Name => StrategyName;

    public IReadOnlyList<ParameterSpec> Parameters => CostOptimizerParameters.Declared;

    public IScalingPlanner CreatePlanner(ServicePolicy policy) =>
        new CostOptimizerPlanner(policy, CostOptimizerOptions.From(policy.Strategy), new CpSatFleetSolver());

    public IScalingPlanner CreatePlanner(ServicePolicy policy, IScalingPlanner previous, PlannerCarryOver carry) =>
        new CostOptimizerPlanner(policy, CostOptimizerOptions.From(policy.Strategy), new CpSatFleetSolver(), previous as CostOptimizerPlanner, carry);
}
