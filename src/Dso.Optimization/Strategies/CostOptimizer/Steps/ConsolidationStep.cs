namespace Dso.Optimization.Strategies.CostOptimizer.Steps;

/// <summary>
/// The fleet covers what is coming but a different mix would cover it for clearly less: launch the new mix and
/// retire the old instances once the replacements serve (make-before-break). Only when scale-in is allowed,
/// since a swap shrinks the fleet it replaces.
/// </summary>
internal sealed class ConsolidationStep : IPlanStep
{
    public const string StepName = "consolidation";

    public string Name => StepName;

    public StepDecision? Decide(StepInputs inputs)
    {
        if (!inputs.OverCap && (inputs.ScaleInBlocked is not null || !inputs.ConsolidationDue || !SwapMaySave(inputs)))
        {
            return null;
        }

        var (solution, solved) = inputs.Solve(inputs.DownwardProblem());
        inputs.DownwardSolution = solution;
        if (solution is null || !solution.Launches)
        {
            return null;
        }

        var current = (double)inputs.CurrentHourly;
        var final = solution.FinalHourlyUsd(solved);
        if (!inputs.OverCap && current - final < inputs.Options.ConsolidationMinSaving * current)
        {
            inputs.DownwardSolution = null;
            return null;
        }

        var reason = $"{inputs.Outlook.Describe()}: a cheaper mix covers {solved.SteadyDemand:0.#} rps for ${final:0.###}/h instead of ${current:0.###}/h ({inputs.Describe(solution, solved)})";
        return new StepDecision(StepName, solution, solved, solved.SteadyDemand, reason);
    }

    /// <summary>
    /// A swap can only pay when some fleet covering the demand (plus the scale-in band, within which the fleet is
    /// left alone) costs less than the saving threshold below the current one: any such fleet costs at least that
    /// demand at the best price per rps, and at least the floor. Cheap to check, so most ticks skip the solve.
    /// </summary>
    internal static bool SwapMaySave(StepInputs inputs)
    {
        var p = inputs.Problem;
        var demand = Math.Max(Math.Max(p.SteadyDemand, inputs.ScaleInFloor) * (1 + inputs.ScaleInMargin), inputs.ScaleInAhead) * (1 + inputs.ScaleInBand);
        var bestPerRps = p.Types.Select((t, i) => (double)t.PricePerHour / p.Capacity(i)).Min();
        if (p.Serverless is { } serverless)
        {
            bestPerRps = Math.Min(bestPerRps, serverless.UsdPerRpsHour);
        }

        var bound = Math.Max(demand * (p.Spot is null && p.Serverless is null ? p.Types.Min(t => t.PricePerRps) : bestPerRps), p.MinInstances * (double)p.Types.Min(t => t.PricePerHour));
        return (double)inputs.CurrentHourly * (1 - inputs.Options.ConsolidationMinSaving) >= bound - 1e-12;
    }
}
