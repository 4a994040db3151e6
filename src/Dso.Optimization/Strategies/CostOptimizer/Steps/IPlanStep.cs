namespace Dso.Optimization.Strategies.CostOptimizer.Steps;

/// <summary>
/// One named sub-strategy of the cost optimizer. Steps run in a fixed order each tick (emergency scale-out,
/// forecast pre-scale, consolidation, scale-in); the first that decides sets the plan, and its name is what the
/// decision log records as the strategy.
/// </summary>
internal interface IPlanStep
{
    string Name { get; }

    /// <summary>The step's plan, or null to let the next step look.</summary>
    StepDecision? Decide(StepInputs inputs);
}
