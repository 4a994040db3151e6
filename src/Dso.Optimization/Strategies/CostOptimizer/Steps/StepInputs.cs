using Dso.Abstractions.Catalog;
using Dso.Policies.Model;

namespace Dso.Optimization.Strategies.CostOptimizer.Steps;

/// <summary>What every step sees in one tick, and the solver calls they share.</summary>
internal sealed class StepInputs
{
    public required PlanningContext Context { get; init; }

    public required ServicePolicy Policy { get; init; }

    public required CostOptimizerOptions Options { get; init; }

    public required OutlookResult Outlook { get; init; }

    /// <summary>Highest demand over the scale-down stabilization window: scale-in never goes below it.</summary>
    public required double RecentMax { get; init; }

    /// <summary>
    /// Highest demand the outlook asked the fleet to cover over the scale-in window before this tick (0 without a
    /// window): scale-in never goes below it, so a recommendation that dips for a tick between two higher ones does
    /// not remove an instance the next tick relaunches.
    /// </summary>
    public double RecentNeed { get; init; }

    /// <summary>What scale-in must keep covering whatever the outlook says now: recent demand and recent recommendations.</summary>
    public double ScaleInFloor => Math.Max(RecentMax, RecentNeed);

    /// <summary>
    /// Room (share of the bound) scale-in leaves above what it must cover: the bound's usual one-tick rise (see
    /// <see cref="BoundRises"/>), so that the next tick's bound does not relaunch what this tick removes. Zero when off
    /// or while a hard budget binds.
    /// </summary>
    public double ScaleInMargin { get; init; }

    /// <summary>
    /// The outlook's bound over the look-ahead rows (the rows the next ticks' plans add, see
    /// <see cref="OutlookResult.Ahead"/>): the fleet a scale-in leaves covers it, so the next tick's pre-scale does not
    /// relaunch what this tick removes. 0 without a look-ahead, and while a hard budget leaves no room (as for the margin).
    /// </summary>
    public double ScaleInAhead { get; init; }

    /// <summary>Surplus beyond one instance (share of demand) scale-in needs: the policy's band, 0 under a binding budget ceiling.</summary>
    public double ScaleInBand
    {
        get => double.IsNaN(_scaleInBand) ? Options.ScaleInBand : _scaleInBand;
        init => _scaleInBand = value;
    }

    private readonly double _scaleInBand = double.NaN;

    /// <summary>
    /// The odds that the next tick's bound rises by more than a given share (the bound's recent one-tick rises), for the
    /// expected-value hold of a scale-in; null when that hold is off.
    /// </summary>
    public Func<double, double>? RelaunchOdds { get; init; }

    /// <summary>Gap (rps) below which nothing is launched while the budget binds (budget_scale_out_tolerance); 0 otherwise.</summary>
    public double ScaleOutTolerance { get; init; }

    /// <summary>Null unless a launch was left out because its gap is within <see cref="ScaleOutTolerance"/>; then why (for the reason).</summary>
    public string? ScaleOutHeld { get; set; }

    /// <summary>The boot delay in hours: what a relaunch bills before it serves.</summary>
    public double BootHours { get; init; }

    /// <summary>
    /// Hours a like-for-like swap's saving is weighed over: the fleet's age (since its last scale-out or scale-in, at
    /// most the history seen and <see cref="CostOptimizerPlanner.MaxSwapHorizon"/>) where that is longer than the
    /// horizon, since a mix that has held that long is likely to hold as long again (see <see cref="HeldSwapProblem"/>).
    /// </summary>
    public double SwapHorizonHours { get; init; }

    /// <summary>
    /// The second search for a cheaper mix, once the usual one (over the horizon) finds none: a mix with at least the
    /// capacity the fleet has now, weighed over <see cref="SwapHorizonHours"/> (the shortfall's price scaled alike). A
    /// like-for-like swap to a cheaper type pays back its boot's overlap over hours, not within one: with a one-hour
    /// horizon and a 20-minute boot it had to save about 60 %, and a fleet held for days kept a type 40 % dearer than
    /// another for all of them (random_sweep r1-05). Keeping the capacity keeps the slack a fleet's whole instances
    /// give above the bound: weighing every swap over the fleet's age (without it) cost the suite's flash crowds
    /// (wc98-finals.wide.b7 0.19 -> 0.24 % unserved). Except a fleet held at min_instances for a whole day
    /// (<see cref="CostOptimizerPlanner.MaxSwapHorizon"/>): its capacity is the count's, not the demand's, and keeping
    /// it kept a dear instance for good (random services r44-01: a c7.1x beside an m5.2x for ten days at 14 rps, where
    /// two c7.1x cost 10 % less); then the demand the usual search covers is enough.
    /// </summary>
    public FleetProblem HeldSwapProblem()
    {
        var problem = DownwardProblem();
        var capacity = problem.Current.Select((c, t) => c * problem.Capacity(t)).Sum();
        var atFloorForADay = problem.Current.Sum() <= Policy.Limits.MinInstances && SwapHorizonHours >= CostOptimizerPlanner.MaxSwapHorizon.TotalHours - 1e-9;
        return problem with
        {
            HorizonHours = SwapHorizonHours,
            ShortfallUsdPerRps = problem.ShortfallUsdPerRps * SwapHorizonHours / problem.HorizonHours,
            SteadyDemand = atFloorForADay ? problem.SteadyDemand : Math.Max(problem.SteadyDemand, capacity),
        };
    }

    /// <summary>Null unless a scale-in was held for a tick because holding is cheaper in expectation; then why.</summary>
    public string? ScaleInHeld { get; set; }

    /// <summary>Null unless the search for a cheaper mix was due but held after a recent scale-in; then why (for the reason).</summary>
    public string? SwapHeld { get; set; }

    /// <summary>The program with the outlook's demand per row and every move allowed.</summary>
    public required FleetProblem Problem { get; init; }

    public required IFleetSolver Solver { get; init; }

    /// <summary>Null when scale-in is allowed; otherwise why not (anomaly hold, dwell after a scale-out).</summary>
    public string? ScaleInBlocked { get; init; }

    /// <summary>
    /// Demand the emergency step covers while a surge lasts: the observed demand plus headroom, plus the ramp carried
    /// on over the boot delay (launches ordered now serve only after it). Zero outside a surge.
    /// </summary>
    public double SurgeDemand { get; init; }

    /// <summary>The surge's cause when a detector flagged an upward anomaly.</summary>
    public const string AnomalySurge = "anomaly surge";

    /// <summary>What started the surge, for the reason: a detector's upward anomaly, or traffic back after an outage.</summary>
    public string SurgeCause { get; init; } = AnomalySurge;

    /// <summary>True when the periodic search for a cheaper mix is due this tick (swaps are never urgent).</summary>
    public bool ConsolidationDue { get; set; } = true;

    /// <summary>The tick length, for saying when a row is.</summary>
    public required TimeSpan Tick { get; init; }

    /// <summary>Full re-optimisation cached between consolidation and scale-in, which share it.</summary>
    public FleetSolution? DownwardSolution { get; set; }

    public InstanceCatalog Catalog => Policy.Catalog;

    public decimal CurrentHourly => Catalog.HourlyCost(Context.Current);

    /// <summary>The fleet costs more than the budget or cap allows now: shrinking is mandatory, not a saving to weigh.</summary>
    public bool OverCap => Problem.MaxHourlyUsd is { } cap && CurrentHourly > cap && !Settling;

    /// <summary>A swap above the cap is settling: its overlap is paid within the hour's average, not a reason to shrink.</summary>
    public bool Settling { get; init; }

    /// <summary>
    /// Demand scale-in must still cover per row: the outlook's bound and the scale-in floor, whichever is higher, plus
    /// the scale-in margin; after the rows, also the look-ahead's bound (the next tick's row, already a bound at the
    /// coverage quantile: no margin on top of it).
    /// </summary>
    /// <param name="margin">The scale-in margin to apply (default: <see cref="ScaleInMargin"/>).</param>
    /// <param name="lookahead">False: leave the look-ahead rows out (to say what they held).</param>
    public FleetProblem DownwardProblem(double? margin = null, bool lookahead = true)
    {
        var room = 1 + (margin ?? ScaleInMargin);
        return Problem with
        {
            RowDemand = [.. Problem.RowDemand.Select(d => Math.Max(d, ScaleInFloor) * room)],
            SteadyDemand = Math.Max(Math.Max(Problem.SteadyDemand, ScaleInFloor) * room, lookahead ? ScaleInAhead : 0),
        };
    }

    /// <summary>
    /// Solves, relaxing in order of least harm when the hard constraints leave no plan: first the ban on removals
    /// (a fleet above a lowered cap must shrink), then the step limit; a plan found only without the step limit is
    /// then taken max_step changes at a time, as the guard would.
    /// </summary>
    public (FleetSolution? Solution, FleetProblem Problem) Solve(FleetProblem problem)
    {
        var solution = Solver.Solve(problem);
        if (solution is null && !problem.AllowRemove)
        {
            problem = problem with { AllowRemove = true };
            solution = Solver.Solve(problem);
        }

        if (solution is null && problem.MaxChanges < int.MaxValue)
        {
            var unlimited = Solver.Solve(problem with { MaxChanges = int.MaxValue });
            solution = unlimited is null ? null : Stepped(problem, unlimited);
        }

        if (solution is null && problem.MaxHourlyUsd is not null)
        {
            // Not even the floor fits the cap: go to the cheapest fleet min_instances allows, the least overrun there is.
            var floor = problem with { MaxHourlyUsd = null, AllowRemove = true, RowDemand = new double[problem.Rows], SteadyDemand = 0, MaxChanges = int.MaxValue };
            var cheapest = Solver.Solve(floor);
            solution = cheapest is null ? null : Stepped(problem, cheapest);
        }

        return (solution, problem);
    }

    /// <summary>
    /// A scale-out's plan: launches only (make-before-break), unless the launches fill max_instances and leave demand
    /// uncovered that replacing instances now would cover: small instances swapped for bigger ones (before, a fleet of
    /// small instances at max_instances held its capacity through a day of demand twice as high). The replacing plan
    /// is taken only when it leaves at least <see cref="ReplaceGainRps"/> less uncovered over the rows and the steady
    /// state, the steady state weighed as the horizon's rows (the capacity a swap gains lasts; the dip its removals
    /// make lasts until the launches boot, and the program weighs both). <c>Replaced</c> says it was taken (with why).
    /// The same where a hard budget below min_instances' price has lowered the floor and the spend cap leaves no room
    /// for one more instance of the cheapest type: one 70 rps instance held at 118 rps demand under a $0.176/h cap,
    /// where one 250 rps instance at $0.124/h fits.
    /// </summary>
    public (FleetSolution? Solution, FleetProblem Problem, string? Replaced) SolveScaleOut(FleetProblem problem)
    {
        var (solution, solved) = Solve(problem with { AllowRemove = false });
        if (solution is null || solved.AllowRemove || Uncovered(solution, 1) < ReplaceGainRps)
        {
            return (solution, solved, null);
        }

        var full = solution.TargetNow(solved).Sum() >= solved.MaxInstances;
        if (!full && !(BelowMinInstancesByBudget(solved) && CapLeavesNoRoom(solution, solved)))
        {
            return (solution, solved, null);
        }

        var steadyWeight = Math.Max(1, Math.Round(problem.HorizonHours / Tick.TotalHours));
        var (replacing, replacingProblem) = Solve(problem with { AllowRemove = true, SteadyShortfallWeight = steadyWeight });
        return replacing is not null && replacing.Removes && Uncovered(replacing, steadyWeight) <= Uncovered(solution, steadyWeight) - ReplaceGainRps
            && (full || PricePerRps(replacing, replacingProblem) < PricePerRps(solution, solved))
            ? (replacing, replacingProblem, full
                ? $"max_instances {problem.MaxInstances} leaves no room to launch enough: replacing instances covers more"
                : $"the spend cap ${problem.MaxHourlyUsd:0.####}/h leaves no room to launch enough: replacing instances covers more")
            : (solution, solved, null);
    }

    /// <summary>Coverage (rps summed over the rows and the steady state) a replacing scale-out must add over launching alone.</summary>
    internal const double ReplaceGainRps = 1;

    /// <summary>
    /// Whether a hard budget that cannot pay min_instances has lowered the fleet's floor (see
    /// <see cref="PlanGuard.BudgetFloor"/>): the fleet is then a few instances whose type decides what it serves. Where the
    /// budget binds above min_instances, replacing at the cap was tried and cost more than it gained (suite: 25 of 41
    /// budget-bound rows within 1.1 x clairvoyant-budget instead of 27; the swaps' dips and overlaps, again and again).
    /// </summary>
    private bool BelowMinInstancesByBudget(FleetProblem problem) =>
        Context.Budget.Hard && problem.MinInstances < Policy.Limits.MinInstances;

    /// <summary>
    /// The final fleet's price per rps of capacity: under the spend cap a replacement must buy capacity more cheaply than
    /// the fleet it replaces (two 112 rps instances at $0.0816/h for two of 110 rps at $0.0725/h covered 4 rps more and
    /// left less money for the rest of a binding budget: suite, nasa-jul-early.six.b10.x0.7 13.8 -> 15.7 % unserved).
    /// </summary>
    private static double PricePerRps(FleetSolution solution, FleetProblem problem)
    {
        var final = solution.Final(problem);
        var capacity = final.Select((n, t) => n * problem.Capacity(t)).Sum();
        return capacity > 0 ? solution.FinalHourlyUsd(problem) / capacity : double.PositiveInfinity;
    }

    /// <summary>Whether the spend cap leaves no room to launch one more instance of the cheapest type beside the plan.</summary>
    private static bool CapLeavesNoRoom(FleetSolution solution, FleetProblem problem) =>
        problem.MaxHourlyUsd is { } cap
        && solution.TargetNow(problem).Select((n, t) => n * problem.Types[t].PricePerHour).Sum() + problem.Types.Min(t => t.PricePerHour) > cap;

    /// <summary>Rps left uncovered over the rows, and in the steady state weighted as <paramref name="steadyWeight"/> rows.</summary>
    private static double Uncovered(FleetSolution solution, double steadyWeight) => solution.RowShortfall.Sum() + steadyWeight * solution.SteadyShortfall;

    /// <summary>
    /// The first max_step changes of a plan that needs more: removals first when the plan is there to cut cost
    /// (a cap or budget the fleet is above), launches first otherwise (capacity is what the SLO needs).
    /// </summary>
    private static FleetSolution Stepped(FleetProblem problem, FleetSolution plan)
    {
        var budget = problem.MaxChanges;
        var add = new int[problem.TypeCount];
        var removeNow = new int[problem.TypeCount];
        var price = problem.Types.Select(t => t.PricePerHour).ToArray();
        var cutsCost = plan.TargetNow(problem).Select((n, t) => n * price[t]).Sum() < problem.Current.Select((n, t) => n * price[t]).Sum();
        var removable = plan.RemoveNow.Select((r, t) => r + plan.RemoveLater[t]).ToArray();
        var byPrice = Enumerable.Range(0, problem.TypeCount).OrderByDescending(t => price[t]).ToArray();
        while (budget > 0)
        {
            var spare = problem.Current.Sum() + add.Sum() - removeNow.Sum() - problem.MinInstances;
            var removeType = spare > 0 ? byPrice.Where(t => removeNow[t] < removable[t]).DefaultIfEmpty(-1).First() : -1;
            var addType = Enumerable.Range(0, problem.TypeCount).Where(t => add[t] < plan.Add[t]).DefaultIfEmpty(-1).First();
            // Cutting cost: remove whenever min_instances allows, launching only to make room; otherwise launch first.
            if (removeType >= 0 && (cutsCost || addType < 0))
            {
                removeNow[removeType]++;
            }
            else if (addType >= 0)
            {
                add[addType]++;
            }
            else
            {
                break;
            }

            budget--;
        }

        return FleetEvaluator.Score(problem, add, removeNow, new int[problem.TypeCount], plan.Solver + ", stepped");
    }

    /// <summary>When row k (1-based) is, from now, e.g. "4–5 min".</summary>
    public string When(int k)
    {
        var from = Tick * (k - 1);
        var to = Tick * k;
        return Tick >= TimeSpan.FromHours(1) ? $"{from.TotalHours:0.#}–{to.TotalHours:0.#} h" : $"{from.TotalMinutes:0.#}–{to.TotalMinutes:0.#} min";
    }

    /// <summary>"the row in 5–6 min needs 812 rps (last week's shape)": what the look-ahead asked scale-in to keep.</summary>
    public string DescribeAhead()
    {
        var (row, binding) = Outlook.AheadAt;
        return $"the row in {When(row)} needs {ScaleInAhead:0.#} rps ({DemandOutlook.FeatureNames[binding]})";
    }

    public string Describe(FleetSolution solution, FleetProblem problem)
    {
        var parts = new List<string>();
        for (var t = 0; t < problem.TypeCount; t++)
        {
            var name = problem.Types[t].Name;
            if (solution.Add[t] > 0)
            {
                parts.Add($"+{solution.Add[t]} {name}");
            }

            if (solution.RemoveNow[t] > 0)
            {
                parts.Add($"-{solution.RemoveNow[t]} {name}");
            }

            if (solution.RemoveLater[t] > 0)
            {
                parts.Add($"-{solution.RemoveLater[t]} {name} once replacements serve");
            }
        }

        if (problem.Serverless is not null && solution.OffloadNow > 0)
        {
            parts.Add($"{solution.OffloadNow:0.#} rps to {Policy.Serverless?.Name ?? "serverless"} now");
        }

        return parts.Count == 0 ? "no change" : string.Join(", ", parts);
    }

    public bool BudgetBound(FleetSolution solution, FleetProblem problem) =>
        solution.MaxShortfall > 1e-6 && problem.MaxHourlyUsd is { } cap &&
        Catalog.HourlyCost(Fleet.Of(problem.Types.Select((t, i) => new KeyValuePair<string, int>(t.Name, solution.TargetNow(problem)[i])))) +
        problem.Types.Min(t => t.PricePerHour) > cap;
}
