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

        var keptNote = "";
        // Only a hold that kept something back changes the scale-in (and needs its saving checked again).
        if (!inputs.OverCap && ExpectedHold(inputs, solution, solved) is (var kept, { } held))
        {
            if (kept is null)
            {
                inputs.ScaleInHeld = held;
                return null;
            }

            (solution, keptNote) = (kept, $"; {held}");
            final = solution.FinalHourlyUsd(solved);
            if (current - final < inputs.Options.ScaleInMinSaving * current - 1e-12)
            {
                inputs.ScaleInHeld = $"scale-in held for a tick: what is left to remove saves too little once {held}";
                return null;
            }
        }

        var reason = inputs.OverCap
            ? $"the fleet's ${current:0.###}/h is over the ${inputs.Problem.MaxHourlyUsd:0.###}/h the budget or cap allows now: {inputs.Describe(solution, solved)}"
            : $"{inputs.Outlook.Describe()}, recent peak {inputs.RecentMax:0.#} rps{(inputs.RecentNeed > inputs.RecentMax ? $" and recent bound {inputs.RecentNeed:0.#} rps" : "")} need {solved.SteadyDemand:0.#} rps{(inputs.ScaleInMargin > 0 ? $" ({inputs.ScaleInMargin * 100:0.#} % room for the bound's usual one-tick rise included)" : "")}{(inputs.ScaleInAhead > inputs.DownwardProblem(lookahead: false).SteadyDemand + 1e-9 ? $", set by the look-ahead: {inputs.DescribeAhead()}" : "")}: {inputs.Describe(solution, solved)} saves ${current - final:0.###}/h{keptNote}";
        return new StepDecision(StepName, solution, solved, solved.SteadyDemand, reason);
    }

    /// <summary>
    /// Keeps back, one at a time, removed instances for which holding is cheaper in expectation than removing: if the
    /// next tick's bound rises past the capacity the scale-in leaves, the pre-scale relaunches, and the relaunch bills a
    /// whole boot delay before it serves, where keeping the instance costs one tick. So an instance (the cheapest
    /// removed offering, priced on both sides) is kept while the odds of such a rise, the share of the bound's recent
    /// one-tick rises above the slack left, exceed tick / boot (a quarter with a 4-minute boot on a one-minute tick; an
    /// hourly tick never). Returns the scale-in with fewer removals, or null with a reason when none is left, or the
    /// scale-in unchanged.
    /// </summary>
    internal static (FleetSolution? Solution, string? Held) ExpectedHold(StepInputs inputs, FleetSolution solution, FleetProblem solved)
    {
        var bound = inputs.Outlook.Upper[^1];
        if (inputs.RelaunchOdds is not { } odds || !(bound > 0) || inputs.BootHours <= 0)
        {
            return (solution, null);
        }

        var breakEven = inputs.Tick.TotalHours / inputs.BootHours;
        var final = solution.Final(solved);
        var (kept, p, slack) = (0, 0.0, 0.0);
        while (true)
        {
            var left = final.Select((n, t) => n * solved.Capacity(t)).Sum();
            slack = (left / bound) - 1;
            p = odds(slack);
            var removed = Enumerable.Range(0, solved.TypeCount).Where(t => final[t] < solved.Current[t]).OrderBy(t => solved.Types[t].PricePerHour).ToList();
            if (removed.Count == 0 || p <= breakEven)
            {
                break;
            }

            final[removed[0]]++;
            kept++;
        }

        if (kept == 0)
        {
            return (solution, null);
        }

        var why = FormattableString.Invariant($"the bound rose past the slack a removal would leave on {100 * p:0.#} % of recent ticks, more than the {100 * breakEven:0.#} % at which a relaunch's boot costs what a tick of holding does");
        if (final.SequenceEqual(solved.Current))
        {
            return (null, $"scale-in held for a tick: {why}");
        }

        // Fewer removals: take them back from those waiting for replacements first, then from the immediate ones.
        var (removeNow, removeLater) = (solution.RemoveNow.ToArray(), solution.RemoveLater.ToArray());
        for (var t = 0; t < solved.TypeCount; t++)
        {
            var back = final[t] - (solved.Current[t] + solution.Add[t] - removeNow[t] - removeLater[t]);
            var fromLater = Math.Min(back, removeLater[t]);
            removeLater[t] -= fromLater;
            removeNow[t] -= back - fromLater;
        }

        return (FleetEvaluator.Score(solved, solution.Add, removeNow, removeLater, solution.Solver + ", expected-value hold"),
            FormattableString.Invariant($"{kept} kept for a tick ({why})"));
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
