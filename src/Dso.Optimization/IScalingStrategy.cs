namespace Dso.Optimization;

/// <summary>
/// A named plug-in that turns what the loop knows into a fleet plan. Policies name it; the loop checks the
/// plan against the policy's limits again before acting (<see cref="PlanGuard"/>), so a strategy bug cannot
/// breach min/max, step limits or a hard budget.
/// </summary>
public interface IScalingStrategy
{
    string Name { get; }

    /// <summary>Creates the per-service state (stabilization windows, dwell times) this strategy keeps between ticks.</summary>
    IScalingPlanner CreatePlanner(Dso.Policies.Model.ServicePolicy policy);
}
