namespace Dso.Optimization.Strategies.CostOptimizer.Steps;

/// <summary>
/// An anomaly flagged a surge the outlook has not seen: cover the surge demand (observed plus headroom, plus the
/// ramp carried over the boot delay) in every row at once, launch only (nothing is removed during a surge, unless a
/// limit leaves no room to launch; see <see cref="StepInputs.SolveScaleOut"/>). The
/// planner keeps the surge open while demand keeps rising, because the detector alerts once per incident.
/// </summary>
internal sealed class EmergencyScaleOutStep : IPlanStep
{
    public const string StepName = "emergency-scale-out";

    public string Name => StepName;

    public StepDecision? Decide(StepInputs inputs)
    {
        if (inputs.SurgeDemand <= 0)
        {
            return null;
        }

        var surge = inputs.SurgeDemand;
        var problem = inputs.Problem with
        {
            RowDemand = [.. inputs.Problem.RowDemand.Select(d => Math.Max(d, surge))],
            SteadyDemand = Math.Max(inputs.Problem.SteadyDemand, surge),
        };
        var (solution, solved, replaced) = inputs.SolveScaleOut(problem);
        if (solution is null)
        {
            return new StepDecision(StepName, null, null, surge, $"{inputs.SurgeCause} at {inputs.Context.ObservedDemand:0.#} rps: no plan within limits, holding");
        }

        var reason = $"{inputs.SurgeCause} at {inputs.Context.ObservedDemand:0.#} rps: covering {solved.SteadyDemand:0.#} rps now ({inputs.Describe(solution, solved)}{(replaced is not null ? $"; {replaced}" : "")})";
        return new StepDecision(StepName, solution, solved, solved.SteadyDemand, reason) { BudgetConstrained = inputs.BudgetBound(solution, solved) };
    }
}
