namespace Dso.Optimization;

/// <summary>
/// A named plug-in that turns what the loop knows into a fleet plan. Policies name it; the loop checks the
/// plan against the policy's limits again before acting (<see cref="PlanGuard"/>), so a strategy bug cannot
/// breach min/max, step limits or a hard budget.
/// </summary>
public interface IScalingStrategy
{
    string Name { get; }

    /// <summary>
    /// The parameters a policy may set under <c>strategy.parameters</c>, with type, range, default and unit. The policy
    /// loader rejects any other key or any value outside its range before a planner is ever built.
    /// </summary>
    IReadOnlyList<Dso.Policies.Parameters.ParameterSpec> Parameters { get; }

    /// <summary>Creates the per-service state (stabilization windows, dwell times) this strategy keeps between ticks.</summary>
    IScalingPlanner CreatePlanner(Dso.Policies.Model.ServicePolicy policy);

    /// <summary>
    /// Creates the planner for an edited policy, taking over from <paramref name="previous"/> what
    /// <paramref name="carry"/> allows. A strategy that learns nothing worth keeping starts afresh.
    /// </summary>
    IScalingPlanner CreatePlanner(Dso.Policies.Model.ServicePolicy policy, IScalingPlanner previous, PlannerCarryOver carry) => CreatePlanner(policy);
}
