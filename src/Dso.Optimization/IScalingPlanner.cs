namespace Dso.Optimization;

/// <summary>One service's planner: called once per tick, in time order; keeps its own history.</summary>
public interface IScalingPlanner
{
    ScalingPlan Plan(PlanningContext context);
}
