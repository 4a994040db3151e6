namespace Dso.Optimization.Strategies.CostOptimizer.Steps;

/// <summary>What a step chose: the solved program (null = hold the fleet), the demand it covered, and why.</summary>
internal sealed record StepDecision(string Step, FleetSolution? Solution, FleetProblem? Problem, double CoveredDemand, string Reason)
{
    /// <summary>True when a hard budget or hourly cap kept the plan from covering the demand it aimed at.</summary>
    public bool BudgetConstrained { get; init; }
}
