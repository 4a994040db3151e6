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
        if (!inputs.OverCap && (inputs.ScaleInBlocked is not null || !inputs.ConsolidationDue))
        {
            return null;
        }

        return (inputs.OverCap || SwapMaySave(inputs) ? Usual(inputs) : null) ?? (inputs.OverCap ? null : LikeForLike(inputs));
    }

    /// <summary>The usual search: the fleet covering the coming demand for least over the horizon.</summary>
    private static StepDecision? Usual(StepInputs inputs)
    {
        if (inputs.Options.SkipIdleSwapSearch && !inputs.OverCap && !ScaleInStep.AnyRemovable(inputs) && !CheaperCoverExists(inputs))
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
    /// Where the usual search finds no swap and the fleet has held longer than the horizon: a mix with at least the
    /// fleet's capacity for less, weighed over as long as the fleet has held (<see cref="StepInputs.HeldSwapProblem"/>).
    /// </summary>
    private static StepDecision? LikeForLike(StepInputs inputs)
    {
        if (inputs.SwapHorizonHours <= inputs.Problem.HorizonHours + 1e-9)
        {
            return null;
        }

        var problem = inputs.HeldSwapProblem();
        var current = (double)inputs.CurrentHourly;
        var minSaving = HeldMinSaving(inputs);
        if (!SwapMayPay(problem, current, minSaving))
        {
            return null;
        }

        var (solution, solved) = inputs.Solve(problem);
        if (solution is null || !solution.Launches)
        {
            return null;
        }

        var final = solution.FinalHourlyUsd(solved);
        if (current - final < minSaving * current)
        {
            return null;
        }

        var reason = $"{inputs.Outlook.Describe()}: a cheaper mix keeps the fleet's {solved.SteadyDemand:0.#} rps for ${final:0.###}/h instead of ${current:0.###}/h, " +
            $"weighed over {solved.HorizonHours:0.#} h, as long as the fleet has held ({inputs.Describe(solution, solved)})";
        return new StepDecision(StepName, solution, solved, solved.SteadyDemand, reason);
    }

    /// <summary>
    /// The saving a like-for-like swap must make per hour: <c>consolidation_min_saving</c> asks a swap to save that
    /// share of the fleet's price over the horizon; a fleet that has held longer is weighed over as long, so the same
    /// dollars, spread over its hold, are a smaller share per hour (at a 3-hour hold a third of it). Without it a
    /// service's last dear instance stayed beside the cheap ones for days: random_sweep.py's r15-17 kept one m8.1x
    /// beside two c5.1x (3.4 % dearer) through three quiet days and ran out of a tight budget on the last.
    /// </summary>
    internal static double HeldMinSaving(StepInputs inputs) =>
        inputs.Options.ConsolidationMinSaving * inputs.Problem.HorizonHours / Math.Max(inputs.SwapHorizonHours, inputs.Problem.HorizonHours);

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

    /// <summary>
    /// Whether the solve could return a swap worth making. The current fleet covers every row and the steady state,
    /// so keeping it costs the program nothing and its answer costs at most that; any answer's final fleet costs the
    /// program at least its price over the horizon plus the shortfall penalty on what it leaves uncovered (launch and
    /// overlap costs only add). When no whole-instance fleet priced the saving threshold below the current one costs
    /// that little (<see cref="CoverCost"/>), no answer can be a swap worth making; with no instance removable either
    /// (scale-in then does not read the solve's answer), nothing this tick depends on the solve (on nasa-jul95 the
    /// solver's CPU time falls by almost half). Plain on-demand programs only; with spot or serverless terms, or
    /// limits the current fleet breaks, the solve always runs.
    /// </summary>
    internal static bool CheaperCoverExists(StepInputs inputs) =>
        SwapMayPay(inputs.DownwardProblem(), (double)inputs.CurrentHourly, inputs.Options.ConsolidationMinSaving);

    /// <summary>False only when no answer to <paramref name="downward"/> can be a swap saving <paramref name="minSaving"/> of <paramref name="currentHourly"/>.</summary>
    internal static bool SwapMayPay(FleetProblem downward, double currentHourly, double minSaving)
    {
        var p = downward;
        if (p.Spot is not null || p.Serverless is not null || !CoversAndFits(p))
        {
            return true;
        }

        // The solver rounds each price to micro-dollars and each objective coefficient to a micro-dollar: at most half
        // a micro-dollar per instance kept or moved per coefficient, over every instance it could hold or move. Its
        // capacities (launches rounded down, removals up, in centi-rps) only add shortfall. The shortfall penalty as
        // the solver rounds it (per centi-rps, in micro-dollars), never above the planner's.
        var maxDemand = Math.Max(p.SteadyDemand, p.RowDemand.DefaultIfEmpty(0).Max());
        var instances = p.Current.Sum() + p.Types.Sum(t => t.CapacityRps > 0 ? Math.Ceiling(maxDemand / t.CapacityRps) + p.MinInstances + 1 : 0);
        var tolerance = (1e-6 * instances * (2 + p.HorizonHours)) + (1e-6 * currentHourly * p.HorizonHours) + 1e-4;
        var penalty = Math.Min(p.ShortfallUsdPerRps, Math.Max(1, Math.Round(p.ShortfallUsdPerRps * 1_000_000 / 100)) * 100 / 1_000_000);
        var least = CoverCost.Min(p.Types, p.SteadyDemand, (currentHourly * (1 - minSaving)) + tolerance, p.HorizonHours, penalty);
        return least is not { } bound || bound <= (currentHourly * p.HorizonHours) + tolerance;
    }

    /// <summary>Keeping the current fleet is feasible in the program and leaves no row or the steady state short.</summary>
    private static bool CoversAndFits(FleetProblem p)
    {
        var total = p.Current.Sum();
        var capacity = p.Current.Select((c, t) => c * p.Capacity(t)).Sum();
        var hourlyMicro = p.Types.Select((t, i) => (long)Math.Round((double)t.PricePerHour * 1_000_000) * p.Current[i]).Sum();
        var fits = total >= p.MinInstances && total <= p.MaxInstances &&
            (p.MaxHourlyUsd is not { } cap || (long)Math.Floor((double)cap * 1_000_000) >= hourlyMicro);
        return fits && capacity >= p.SteadyDemand && p.RowDemand.Select((d, k) => p.KeepCapacity[k] >= d).All(covered => covered);
    }
}
