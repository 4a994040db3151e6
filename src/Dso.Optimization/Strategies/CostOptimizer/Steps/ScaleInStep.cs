namespace Dso.Optimization.Strategies.CostOptimizer.Steps;

/// <summary>
/// The fleet is larger than both the outlook's upper quantile and recent demand need: remove the instances whose
/// absence leaves every coming row covered (so nothing needed before a relaunch could serve is removed), if that
/// saves enough to be worth the risk of having to scale out again.
/// </summary>
internal sealed class ScaleInStep : IPlanStep
{
    public const string StepName = "scale-in";

    public string Name => StepName;

    public StepDecision? Decide(StepInputs inputs)
    {
        if (!inputs.OverCap && (inputs.ScaleInBlocked is not null || !AnyRemovable(inputs)))
        {
            return null;
        }

        FleetSolution? solution = inputs.DownwardSolution;
        var solved = inputs.DownwardProblem();
        if (solution is null || solution.Launches)
        {
            (solution, solved) = inputs.Solve(solved with { AllowAdd = false });
        }

        if (solution is null || !solution.Removes)
        {
            return null;
        }

        var current = (double)inputs.CurrentHourly;
        var final = solution.FinalHourlyUsd(solved);
        if (!inputs.OverCap && current - final < inputs.Options.ScaleInMinSaving * current - 1e-12)
        {
            return null;
        }

        if (!inputs.OverCap && ExpectedHold(inputs, solution, solved, current - final) is { } held)
        {
            inputs.ScaleInHeld = held;
            return null;
        }

        var reason = inputs.OverCap
            ? $"the fleet's ${current:0.###}/h is over the ${inputs.Problem.MaxHourlyUsd:0.###}/h the budget or cap allows now: {inputs.Describe(solution, solved)}"
            : $"{inputs.Outlook.Describe()}, recent peak {inputs.RecentMax:0.#} rps{(inputs.RecentNeed > inputs.RecentMax ? $" and recent bound {inputs.RecentNeed:0.#} rps" : "")} need {solved.SteadyDemand:0.#} rps{(inputs.ScaleInMargin > 0 ? $" ({inputs.ScaleInMargin * 100:0.#} % room for the bound's usual one-tick rise included)" : "")}{(inputs.ScaleInAhead > inputs.DownwardProblem(lookahead: false).SteadyDemand + 1e-9 ? $", set by the look-ahead: {inputs.DescribeAhead()}" : "")}: {inputs.Describe(solution, solved)} saves ${current - final:0.###}/h";
        return new StepDecision(StepName, solution, solved, solved.SteadyDemand, reason);
    }

    /// <summary>
    /// Whether holding the scale-in for one tick is cheaper in expectation than making it: if the next tick's bound
    /// rises past the capacity it leaves, the pre-scale relaunches, and the relaunch bills a whole boot delay before it
    /// serves, while the scale-in saved one tick. The odds are the share of the bound's recent one-tick rises larger
    /// than the slack left; the relaunch is priced at the cheapest offering removed. Returns why it held, or null.
    /// </summary>
    internal static string? ExpectedHold(StepInputs inputs, FleetSolution solution, FleetProblem solved, double savingPerHour)
    {
        var bound = inputs.Outlook.Upper[^1];
        if (inputs.RelaunchOdds is not { } odds || !(bound > 0) || savingPerHour <= 0)
        {
            return null;
        }

        var final = solution.Final(solved);
        var left = final.Select((n, t) => n * solved.Capacity(t)).Sum();
        var slack = (left / bound) - 1;
        var p = odds(slack);
        var removed = Enumerable.Range(0, solved.TypeCount).Where(t => final[t] < solved.Current[t]).ToList();
        if (p <= 0 || removed.Count == 0)
        {
            return null;
        }

        var relaunch = removed.Min(t => (double)solved.Types[t].PricePerHour) * inputs.BootHours;
        var hold = savingPerHour * inputs.Tick.TotalHours;
        return p * relaunch > hold
            ? FormattableString.Invariant($"scale-in held for a tick: the bound rose by more than the {100 * slack:0.#} % it would leave on {100 * p:0.#} % of recent ticks, and a relaunch bills ${relaunch:0.####} of boot for nothing against ${hold:0.####} saved per tick")
            : null;
    }

    /// <summary>
    /// Skips the solve unless at least one instance could go: its capacity fits within the surplus over what
    /// scale-in must keep in every coming row and after.
    /// </summary>
    /// <param name="inputs">The tick.</param>
    /// <param name="margin">The scale-in margin to check with (default: the tick's).</param>
    /// <param name="lookahead">False: without the look-ahead rows.</param>
    internal static bool AnyRemovable(StepInputs inputs, double? margin = null, bool lookahead = true)
    {
        var p = inputs.DownwardProblem(margin, lookahead);
        var surplus = p.Current.Select((c, t) => c * p.Capacity(t)).Sum() - p.SteadyDemand;
        for (var k = 0; k < p.Rows; k++)
        {
            surplus = Math.Min(surplus, p.KeepCapacity[k] - p.RowDemand[k]);
        }

        for (var t = 0; t < p.TypeCount; t++)
        {
            // Hysteresis: the surplus must exceed the instance by a band, so demand wobbling around a boundary
            // does not launch and remove the same instance tick after tick.
            if (p.MaxRemove[t] > 0 && p.Capacity(t) + inputs.ScaleInBand * p.SteadyDemand <= surplus + 1e-9 && p.Current.Sum() > p.MinInstances)
            {
                return true;
            }
        }

        return false;
    }
}
