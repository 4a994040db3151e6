namespace Dso.Optimization.Strategies.CostOptimizer.Steps;

/// <summary>
/// Some coming row that launches made now can still reach lacks capacity at the outlook's quantile: launch the
/// cheapest mix that covers it (make-before-break: nothing is removed while scaling out, unless the launches
/// would fill max_instances and replacing instances covers more; see <see cref="StepInputs.SolveScaleOut"/>).
/// </summary>
internal sealed class ForecastPreScaleStep : IPlanStep
{
    public const string StepName = "forecast-pre-scale";

    /// <summary>Deficits below this (rps) are rounding, not a reason to launch.</summary>
    private const double Tolerance = 1e-6;

    public string Name => StepName;

    public StepDecision? Decide(StepInputs inputs)
    {
        var p = inputs.Problem;
        var worst = -1;
        var worstGap = Tolerance;
        for (var k = 0; k < p.Rows; k++)
        {
            var gap = p.RowDemand[k] - p.KeepCapacity[k];
            // Launches cannot reach a row before they boot; serverless can.
            if ((p.LaunchFraction[k] > 0 || p.Serverless is not null) && gap > worstGap)
            {
                worst = k;
                worstGap = gap;
            }
        }

        var currentCapacity = p.Spot is null ? inputs.Catalog.Capacity(inputs.Context.Current) : p.Current.Select((n, t) => n * p.Capacity(t)).Sum();
        if (worst < 0 && p.SteadyDemand - currentCapacity <= Tolerance)
        {
            return null;
        }

        // Under a binding budget ceiling a launch buys a whole instance, booted and billed, for the gap: one below
        // budget_scale_out_tolerance of the smallest type is left open (the need is rounded to the nearest instance,
        // not up), and the money goes to the peaks the ceiling cuts.
        var steadyGap = p.SteadyDemand - currentCapacity;
        if (inputs.ScaleOutTolerance > 0 && worstGap <= inputs.ScaleOutTolerance && steadyGap <= inputs.ScaleOutTolerance)
        {
            inputs.ScaleOutHeld = $"no launch for a gap of {Math.Max(worst >= 0 ? worstGap : 0, steadyGap):0.#} rps, below {inputs.ScaleOutTolerance:0.#} rps " +
                "(budget_scale_out_tolerance of the smallest instance) while the budget binds";
            return null;
        }

        var row = worst >= 0 ? worst : p.Rows - 1;
        var (solution, solved, replaced) = inputs.SolveScaleOut(p);
        var need = $"{inputs.Outlook.Describe()} in {inputs.When(row + 1)} needs {p.RowDemand[row]:0.#} rps, the fleet gives {p.KeepCapacity[row]:0.#}";
        if (solution is null)
        {
            return new StepDecision(StepName, null, null, p.RowDemand[row], $"{need}: no plan within limits, holding");
        }

        var constrained = inputs.BudgetBound(solution, solved);
        var reason = $"{need}: {inputs.Describe(solution, solved)}" + (replaced is not null ? $" ({replaced})" : "") + (constrained ? $" (budget-limited: {solution.MaxShortfall:0.#} rps uncovered)" : "");
        return new StepDecision(StepName, solution, solved, p.RowDemand[row], reason) { BudgetConstrained = constrained };
    }
}
