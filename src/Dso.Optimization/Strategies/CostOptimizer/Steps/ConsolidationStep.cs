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
        if (!inputs.OverCap && (inputs.ScaleInBlocked is not null || !SwapMaySave(inputs)))
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
        var final = solution.Final(solved).Select((n, t) => n * (double)solved.Types[t].PricePerHour).Sum();
        if (!inputs.OverCap && current - final < inputs.Options.ConsolidationMinSaving * current)
        {
            inputs.DownwardSolution = null;
            return null;
        }

        var reason = $"{inputs.Outlook.Describe()}: a cheaper mix covers {solved.SteadyDemand:0.#} rps for ${final:0.###}/h instead of ${current:0.###}/h ({inputs.Describe(solution, solved)})";
        return new StepDecision(StepName, solution, solved, solved.SteadyDemand, reason);
    }

    /// <summary>
    /// A swap can only pay when the fleet's mix is inefficient: its price per rps of capacity is above the best
    /// type's by more than the saving threshold. (Plain over-provisioning is scale-in's business.)
    /// </summary>
    internal static bool SwapMaySave(StepInputs inputs)
    {
        var capacity = inputs.Catalog.Capacity(inputs.Context.Current);
        if (capacity <= 0)
        {
            return false;
        }

        var best = inputs.Problem.Types.Min(t => t.PricePerRps);
        return (double)inputs.CurrentHourly / capacity > best * (1 + inputs.Options.ConsolidationMinSaving);
    }
}
