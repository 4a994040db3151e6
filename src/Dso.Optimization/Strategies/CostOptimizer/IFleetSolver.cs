namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>Solves a <see cref="FleetProblem"/> to optimality; null when no plan meets the hard constraints.</summary>
internal interface IFleetSolver
{
    FleetSolution? Solve(FleetProblem problem);
}
