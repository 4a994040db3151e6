using Dso.Abstractions.Catalog;
using Dso.Abstractions.Decisions;
using Dso.Optimization.Strategies.CostOptimizer.Steps;
using Dso.Policies.Model;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Per-service state of the cost optimizer: its demand outlook, launch times, budget pacing and the reactive
/// shadow. Each tick it builds the fleet program for the rows this decision is the last chance to serve, runs the
/// steps in order and explains the choice against keeping the fleet and against reactive target tracking.
/// </summary>
internal sealed partial class CostOptimizerPlanner : IDurablePlanner
{
    /// <summary>The steps, as data, in the order they get to decide.</summary>
    internal static readonly IReadOnlyList<IPlanStep> Steps =
        [new EmergencyScaleOutStep(), new ForecastPreScaleStep(), new ConsolidationStep(), new ScaleInStep()];

    private readonly ServicePolicy _policy;
    private readonly CostOptimizerOptions _options;
    private readonly IFleetSolver _solver;
    private readonly TimeSpan _tick;
    private readonly int _rows;
    private readonly double[] _launchFraction;
    private DemandOutlook _outlook;
    private BootTracker _boots;
    private BudgetPacer _pacer;
    private ReactiveShadow _reactive;
    private RunningTally _own = new();
    private CounterfactualCorrection _correction;
    private readonly int _stabilizationRows;
    private readonly int _scaleInWindowTicks;
    /// <summary>The swap dwell, at least the tick after a scale-in (an hourly service's next tick is past 5 minutes).</summary>
    private readonly TimeSpan _swapDwell;
    private BoundRises _rises;
    /// <summary>What the program may hold: the on-demand types, plus spot offerings when the policy allows spot.</summary>
    private readonly IReadOnlyList<InstanceType> _offerings;
    /// <summary>The catalog with spot capacity at its expected value (the policy's catalog when there is no spot).</summary>
    private readonly InstanceCatalog _expected;
    private readonly SpotTerms? _spot;
    private readonly ServerlessTerms? _serverless;
    /// <summary>How often the full re-optimisation looks for a cheaper mix: a swap saves a few percent, not the SLO.</summary>
    private static readonly TimeSpan ConsolidationInterval = TimeSpan.FromMinutes(5);
    /// <summary>The longest a swap's saving is weighed over (a fleet's age beyond it says little more).</summary>
    internal static readonly TimeSpan MaxSwapHorizon = TimeSpan.FromHours(24);

    /// <summary>The scale-in margin is the bound's one-tick rise over this much recent history (a day's rhythm).</summary>
    private static readonly TimeSpan RiseHistory = TimeSpan.FromDays(1);
    /// <summary>The churn rules act only while the spend rate so far, this much higher, still fits a hard budget.</summary>
    private const decimal MarginBudgetRoom = 0.5m;

    /// <summary>How long after the budget last bound self-correction still counts it as binding (a daily cycle).</summary>
    private static readonly TimeSpan BudgetMemory = TimeSpan.FromDays(1);

    private DateTimeOffset _budgetBoundAt = DateTimeOffset.MinValue;
    private DateTimeOffset _lastScaleOut = DateTimeOffset.MinValue;
    private DateTimeOffset _lastScaleIn = DateTimeOffset.MinValue;

    /// <summary>
    /// A swap whose overlap costs more than the spend cap (see <see cref="FleetProblem.CapOverlapHours"/>) settles until
    /// then: the fleet may cost up to <see cref="_settlePeak"/> while the replacements boot, and is not "over the cap".
    /// </summary>
    private DateTimeOffset _settleUntil = DateTimeOffset.MinValue;
    private decimal _settlePeak;

    /// <summary>Span over which a budget that held the envelope below its target almost every tick is taken to bind for good.</summary>
    private static readonly TimeSpan PersistentBindSpan = TimeSpan.FromDays(3);

    /// <summary>Share of <see cref="PersistentBindSpan"/>'s ticks the envelope must have been degraded.</summary>
    private const double PersistentBindShare = 0.95;

    /// <summary>Per tick over <see cref="PersistentBindSpan"/>: whether the budget held the envelope below its target.</summary>
    private bool[] _degradedTicks;
    private int _degradedCount;
    private long _degradedSeen;
    private DateTimeOffset _surgeUntil = DateTimeOffset.MinValue;
    private double _surgePeak;
    private double _previousDemand = double.NaN;
    private DateTimeOffset _lastConsolidation = DateTimeOffset.MinValue;
    private double _demandSum;
    private long _demandTicks;

    /// <param name="policy">The service's policy.</param>
    /// <param name="options">The strategy's parameters, read from the policy.</param>
    /// <param name="solver">The fleet program's solver.</param>
    /// <param name="previous">The planner this one replaces after a policy edit, if any.</param>
    /// <param name="carry">What of <paramref name="previous"/>'s learned state the edit leaves valid.</param>
    public CostOptimizerPlanner(ServicePolicy policy, CostOptimizerOptions options, IFleetSolver solver, CostOptimizerPlanner? previous = null, PlannerCarryOver? carry = null)
    {
        _policy = policy;
        _options = options;
        _solver = solver;
        _tick = policy.Tick > TimeSpan.Zero ? policy.Tick : TimeSpan.FromMinutes(1);
        var boot = policy.BootDelay / _tick;
        // Rows this decision is the last chance to serve: the next decision's launches serve none of them.
        _rows = (int)Math.Floor(1 + boot + 1e-9);
        _launchFraction = [.. Enumerable.Range(1, _rows).Select(k => Math.Clamp(k - boot, 0, 1))];
        // Whatever the mix, min_instances of the smallest type is served anyway: demand below it needs no headroom.
        _outlook = new DemandOutlook(_tick, _rows, options, policy.Limits.MinInstances * policy.Catalog.Types.Min(t => t.CapacityRps));
        _boots = new BootTracker(policy.BootDelay, policy.BillingMinimum);
        _pacer = new BudgetPacer(policy, options);
        _reactive = new ReactiveShadow(policy);
        _correction = new CounterfactualCorrection(_tick) { Insurance = _options.SelfCorrectionInsurance };
        _stabilizationRows = Math.Max(1, (int)Math.Ceiling(policy.Limits.ScaleDownStabilization / _tick));
        _scaleInWindowTicks = DemandOutlook.WindowTicks(options.ScaleInWindow, _tick);
        _swapDwell = options.SwapDwell > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Max(options.SwapDwell.Ticks, (long)(_tick.Ticks * 1.5))) : TimeSpan.Zero;
        _rises = new BoundRises((int)Math.Ceiling(RiseHistory / _tick));
        _degradedTicks = new bool[Math.Max(1, (int)Math.Ceiling(PersistentBindSpan / _tick))];
        (_offerings, _expected, _spot) = SpotModel(policy, options);
        _serverless = policy.Serverless is { } serverless
            ? new ServerlessTerms
            {
                RpsLimit = serverless.RpsLimit,
                UsdPerRpsHour = (double)serverless.UsdPerRpsHour,
                RowHours = _tick.TotalHours,
                MaxDemandShare = serverless.ColdStartBreaks(policy.Slo.LatencyP95Ms) ? ServerlessTerms.ColdStartDemandShare : null,
            }
            : null;
        if (previous is not null && carry is not null)
        {
            TakeOver(previous, carry);
        }
    }

    /// <summary>
    /// Takes over what an edit leaves valid. The demand record needs the same tick, rows per decision and parameters
    /// (it is laid out by them); launch times are kept per offering; the counterfactual only as a whole.
    /// </summary>
    /// <param name="previous">The planner this one takes over from.</param>
    /// <param name="carry">What of it the edit leaves valid.</param>
    /// <param name="budget">Whether the budget pacing's record is kept too (a restart under the same policy; an edit rebuilds it).</param>
    private void TakeOver(CostOptimizerPlanner previous, PlannerCarryOver carry, bool budget = false)
    {
        if (budget)
        {
            _pacer = previous._pacer;
            _budgetBoundAt = previous._budgetBoundAt;
        }

        var outlook = _outlook;
        if (carry.Demand && previous._tick == _tick && previous._rows == _rows && previous._options == _options)
        {
            outlook = previous._outlook;
            outlook.Calibrator.Floor = _policy.Limits.MinInstances * _policy.Catalog.Types.Min(t => t.CapacityRps);
            _lastScaleOut = previous._lastScaleOut;
            _lastScaleIn = previous._lastScaleIn;
            (_settleUntil, _settlePeak) = (previous._settleUntil, previous._settlePeak);
            _surgeUntil = previous._surgeUntil;
            _surgePeak = previous._surgePeak;
            _surgeCause = previous._surgeCause;
            _lastNextBound = previous._lastNextBound;
            _previousDemand = previous._previousDemand;
            _rises = previous._rises;
            _lastConsolidation = previous._lastConsolidation;
            _demandSum = previous._demandSum;
            _demandTicks = previous._demandTicks;
            (_degradedTicks, _degradedCount, _degradedSeen) = (previous._degradedTicks, previous._degradedCount, previous._degradedSeen);
        }

        _outlook = outlook;
        _boots = previous._boots.CarryTo(_policy.BootDelay, _policy.BillingMinimum, carry.Offerings);
        if (carry.Counterfactual && outlook == previous._outlook)
        {
            (_reactive, _own, _correction) = (previous._reactive, previous._own, previous._correction);
            return;
        }

        // The self-correction level goes with the counterfactual it was set from: the kept outlook returns to the policy's coverage.
        outlook.Retarget(_options.CoverageQuantile, 1);
    }

    /// <summary>
    /// Spot offerings count at the capacity expected to survive the boot delay plus the horizon; without a spot
    /// policy (or without spot offerings in the catalog) the program is exactly the on-demand one.
    /// </summary>
    private static (IReadOnlyList<InstanceType> Offerings, InstanceCatalog Expected, SpotTerms? Spot) SpotModel(ServicePolicy policy, CostOptimizerOptions options)
    {
        if (policy.Spot is not { } spot || policy.Catalog.Spot.Count == 0)
        {
            return (policy.Catalog.Types, policy.Catalog, null);
        }

        var offerings = policy.Catalog.Offerings;
        var hours = policy.BootDelay.TotalHours + options.HorizonHours;
        var availability = offerings.Select(t => t.Survival(hours)).ToArray();
        var expected = new InstanceCatalog(offerings.Select((t, i) => t with { CapacityRps = t.CapacityRps * availability[i] }));
        return (offerings, expected, new SpotTerms
        {
            IsSpot = [.. offerings.Select(t => t.IsSpot)],
            Availability = availability,
            MaxShare = spot.MaxShare,
            OnDemandMin = spot.OnDemandMin,
        });
    }

    /// <summary>Ticks of demand the outlook has recorded (tests check a reload keeps them).</summary>
    internal long ObservedTicks => _outlook.History.Count;

    /// <summary>Whether the demand envelope is calibrated from own history (tests check a reload keeps it).</summary>
    internal bool Calibrated => _outlook.Calibrator.Fitted;

    /// <summary>Instances of an offering launched within the billing minimum, as this planner knows them.</summary>
    internal int YoungInstances(string offering, DateTimeOffset now) => _boots.Young(offering, now);

    /// <summary>The self-correction's level now (0 = as configured), for tests and explanations.</summary>
    internal int CorrectionLevel => _correction.Level;

    /// <summary>Whether self-correction holds at least the reactive rule's capacity now (one window after a raise).</summary>
    internal bool Following(DateTimeOffset now) => _options.SelfCorrection && _correction.Following(now);

    /// <summary>What the reactive rule would have cost and left unserved so far.</summary>
    internal RunningTally ReactiveTally => _reactive.Tally;

    /// <summary>What this policy has cost and left unserved so far, as the planner accounts it.</summary>
    internal RunningTally OwnTally => _own;

    /// <summary>What self-correction judges this policy on: its own tally over the ticks it was in force.</summary>
    internal RunningTally JudgedTally => _correction.Own;

    public ScalingPlan Plan(PlanningContext context)
    {
        var (ruleBefore, ownBefore) = (_reactive.Tally.Totals, _own.Totals);
        var reactive = _reactive.Next(context.Now, context.ObservedDemand, _policy.Catalog.Capacity(context.Ready), _policy.Catalog.Capacity(context.Current));
        _own.Add(context.Now, _policy.Catalog.HourlyCost(context.Current), _policy.Catalog.Capacity(context.Ready), context.ObservedDemand);
        if (!context.Shadow)
        {
            // Self-correction compares the two over the ticks this policy was in force only (all of them outside experiments).
            _correction.Own.Accrue(_own, ownBefore);
            _correction.Rule.Accrue(_reactive.Tally, ruleBefore);
        }

        // The envelope's quantile below its target: the budget bound on the previous tick even without a finite ceiling.
        var degraded = _outlook.Calibrator.ActiveQuantile < _outlook.Calibrator.TargetQuantile - 1e-12;
        var slot = (int)(_degradedSeen++ % _degradedTicks.Length);
        _degradedCount += (degraded ? 1 : 0) - (_degradedTicks[slot] ? 1 : 0);
        _degradedTicks[slot] = degraded;
        // The budget has held the envelope below its target for days: it binds for good, as under a finite ceiling.
        var bindsForGood = _degradedSeen >= _degradedTicks.Length && _degradedCount >= PersistentBindShare * _degradedTicks.Length;
        var ceiling = _pacer.Ceiling(context, _outlook.History, degraded);
        var sustainable = _pacer.SustainableCapacity(context);
        // Self-correction judges this policy on its own outcomes: in an experiment's shadow the fleet is another
        // variant's, so the level stays where this variant's own blocks left it.
        var correction = _options.SelfCorrection && !context.Shadow ? Correct(context, ceiling) : null;
        var roomy = MarginAffordable(context, ceiling);
        _outlook.SkipShortBursts = _options.BudgetSkipShortBursts && !roomy;
        _outlook.BurstCeiling = double.IsFinite(ceiling) && _options.BudgetExpectedBursts ? ceiling : 0;
        var boundQuantile = double.IsFinite(ceiling) && _options.BudgetBoundQuantile > 0 ? _options.BudgetBoundQuantile : 1;
        var outlook = _outlook.Observe(context.ObservedDemand, context.Forecast, sustainable, boundQuantile);
        if (_options.SelfCorrection && !context.Shadow && _correction.Following(context.Now))
        {
            outlook = FollowRule(outlook, _policy.Catalog.Capacity(reactive));
        }

        _boots.Update(context.Now, context.Current, context.Ready);
        _demandSum += Math.Max(0, double.IsFinite(context.ObservedDemand) ? context.ObservedDemand : 0);
        _demandTicks++;
        var (cap, pace) = _pacer.Allowance(context, _demandSum / _demandTicks, ceiling);
        var currentHourly = _policy.Catalog.HourlyCost(context.Current);
        var settling = context.Now < _settleUntil && currentHourly <= _settlePeak;
        var surge = SurgeDemand(context, roomy);
        _lastNextBound = outlook.Upper[0];
        var margin = roomy || _options.ScaleInMarginUnderBudget ? _rises.Margin(_options.ScaleInMarginQuantile) : 0;
        _rises.Observe(outlook.Upper[^1]);
        var inputs = new StepInputs
        {
            Context = context,
            Policy = _policy,
            Options = _options,
            Outlook = outlook,
            RecentMax = BoundRecentMax(ceiling),
            // Held only up to the capacity the budget sustains: a tight budget is spent on covering demand, not on calm.
            RecentNeed = Math.Min(_outlook.RecentNeed(_scaleInWindowTicks), sustainable),
            Problem = BuildProblem(context, outlook, cap, settling),
            Settling = settling,
            Solver = _solver,
            ScaleInBlocked = context.HoldScaleIn ? "an anomaly holds scale-in"
                : context.Now - _lastScaleOut < _options.MinDwell ? "minimum dwell after a scale-out" : null,
            Tick = _tick,
            SurgeDemand = surge,
            SurgeCause = _surgeCause,
            ScaleInMargin = margin,
            // Only while the budget has room, like the margin: under a tight budget capacity held now is cut later.
            ScaleInAhead = roomy ? outlook.Ahead : 0,
            // Under a binding ceiling an idle instance in the trough is money cut from the next peak: no hysteresis band
            // by default, or the narrower budget_scale_in_band (fewer scale-ins the next minute's rise relaunches).
            ScaleInBand = double.IsFinite(ceiling) && _options.BudgetTightScaleIn ? Math.Min(_options.BudgetScaleInBand, _options.ScaleInBand) : _options.ScaleInBand,
            // Also under a binding budget: the hold is chosen only where it is the cheaper side in expectation.
            RelaunchOdds = _options.ScaleInExpectedHold ? _rises.Exceedance : null,
            BootHours = _policy.BootDelay.TotalHours,
            SwapHorizonHours = SwapHorizon(context),
            ScaleOutTolerance = !roomy && (double.IsFinite(ceiling) || (degraded && bindsForGood))
                ? _options.BudgetScaleOutTolerance * _policy.Catalog.Types.Min(t => t.CapacityRps) : 0,
        };
        // A scale-in that a swap would follow within minutes is two actions and a relaunch where one would do (on
        // nasa-jul95, 21 of the 90 scale-ins reversed the next tick were): when scale-in is about to act, the search for
        // a cheaper mix runs now, not at its next interval. Not under a binding hard budget, where the swaps' overlap
        // is spend that pacing takes back (twitter-early in the quick suite: 14.3 -> 14.7 % unserved).
        inputs.ConsolidationDue = context.Now - _lastConsolidation >= ConsolidationInterval ||
            ((roomy || _scaleInWindowTicks > 0) && inputs.ScaleInBlocked is null && ScaleInStep.AnyRemovable(inputs));
        if (inputs.ConsolidationDue && context.Now - _lastScaleIn < _swapDwell)
        {
            // The swap found the minute after a scale-in relaunches what it removed: wait until the floor settles.
            inputs.ConsolidationDue = false;
            inputs.SwapHeld = $"a scale-in {(context.Now - _lastScaleIn).TotalMinutes:0.#} min ago, swap_dwell {_swapDwell.TotalMinutes:0.#} min";
        }

        if (inputs.ConsolidationDue)
        {
            _lastConsolidation = context.Now;
        }

        var decision = Steps.Select(s => s.Decide(inputs)).FirstOrDefault(d => d is not null)
            ?? new StepDecision("hold", null, null, inputs.Problem.SteadyDemand, $"{outlook.Describe()}: {inputs.ScaleOutHeld ?? "the fleet covers it"}" + HoldNotes(inputs));
        var target = decision.Solution is { } s && decision.Problem is { } p ? ToFleet(p, s.TargetNow(p)) : context.Current;
        if (_policy.Catalog.Capacity(target) > _policy.Catalog.Capacity(context.Current) + 1e-9)
        {
            _lastScaleOut = context.Now;
        }
        else if (_policy.Catalog.Capacity(target) < _policy.Catalog.Capacity(context.Current) - 1e-9)
        {
            _lastScaleIn = context.Now;
        }

        var overlapNote = "";
        if (!settling && inputs.Problem.CapAveraged && inputs.Problem.MaxHourlyUsd is { } capNow && _policy.Catalog.HourlyCost(target) > capNow &&
            decision.Solution is { } swap && decision.Problem is { } swapProblem && swapProblem.CapAveraged && swap.Launches && swap.RemoveLater.Any(r => r > 0) &&
            swap.FinalHourlyUsd(swapProblem) <= (double)capNow + 1e-9)
        {
            // A swap whose overlap is above the cap: the fleet may cost this much until its replacements serve.
            var overlap = ReplacementOverlap(_policy.BootDelay, _tick);
            (_settleUntil, _settlePeak) = (context.Now + overlap, _policy.Catalog.HourlyCost(target));
            settling = true;
            overlapNote = FormattableString.Invariant(
                $"; the swap's overlap costs ${_settlePeak:0.###}/h for {overlap.TotalMinutes:0.#} min, above the ${capNow:0.###}/h the budget allows now, and ${swap.FinalHourlyUsd(swapProblem):0.###}/h after: the hour averages within it");
        }

        var offload = _serverless is null ? 0 : decision.Solution?.OffloadNow ?? 0;
        var hourly = _policy.Catalog.HourlyCost(target) + (_policy.Serverless?.HourlyCost(offload) ?? 0m);
        var budget = context.Budget.Status(context.Now, hourly, decision.BudgetConstrained);
        // A soft budget does not constrain the plan; its overrun is reported so an operator can act on it.
        var overrun = !context.Budget.Hard && budget.ProjectedUsd > budget.MonthlyUsd
            ? $"; soft budget: projected ${budget.ProjectedUsd:0.##} exceeds ${budget.MonthlyUsd:0.##}"
            : "";
        var corrected = (correction is null ? "" : $"; {correction}") +
            (!double.IsFinite(ceiling) ? ""
                : _pacer.NearBind ? $"; the hard budget nearly binds: serving all the demand seen so far (up to {ceiling:0.#} rps) costs more than {_options.BudgetNearBind:0.##} of what it allows per hour, so the budget-bound rules apply{StuckNote()}"
                : $"; the hard budget binds: demand is served up to {ceiling:0.#} rps, the ceiling the rest of it pays for at the demand seen so far{StuckNote()}");
        return new ScalingPlan(target, decision.Step, $"cost-optimizer: {decision.Reason}{overlapNote}{overrun}{corrected}", Alternatives(context, inputs, reactive, target, offload))
        {
            OverlapHourlyUsd = settling ? _settlePeak : null,
            Committed = Fleet.Of(context.Current.Counts.Select(kv => KeyValuePair.Create(kv.Key, Math.Min(kv.Value, _boots.Young(kv.Key, context.Now))))),
            ServerlessRps = offload,
            Forecast = Summary(context, outlook),
            Budget = budget,
            Pace = pace,
        };
    }

    /// <summary>
    /// What scale-in keeps from the recent peak. Under a binding budget ceiling, capacity held through the
    /// stabilization window after a burst is money the ceiling would spend on the next one: only the latest demand is
    /// kept, and nothing above the ceiling.
    /// </summary>
    private double BoundRecentMax(double ceiling)
    {
        if (!double.IsFinite(ceiling) || !_options.BudgetReleaseBursts)
        {
            return _outlook.RecentMax(_stabilizationRows * _correction.ScaleInFactor);
        }

        return Math.Min(_outlook.RecentMax(1), ceiling);
    }

    /// <summary>
    /// Why a hold held what it did: scale-in blocked (anomaly, dwell), held by the margin (an instance could go were it
    /// not for the room kept for the bound's usual one-tick rise), the search for a cheaper mix held after a scale-in.
    /// </summary>
    private static string HoldNotes(StepInputs inputs)
    {
        var notes = new List<string>();
        if (inputs.ScaleInBlocked is { } why)
        {
            notes.Add($"scale-in blocked: {why}");
        }
        else if (inputs.ScaleInMargin > 0 && !ScaleInStep.AnyRemovable(inputs) && ScaleInStep.AnyRemovable(inputs, margin: 0))
        {
            notes.Add($"scale-in held: removing an instance would leave less than the demand bound's usual one-tick rise ({inputs.ScaleInMargin * 100:0.#} %)");
        }

        if (inputs.ScaleInBlocked is null && inputs.ScaleInAhead > 0 && !ScaleInStep.AnyRemovable(inputs) && ScaleInStep.AnyRemovable(inputs, lookahead: false))
        {
            notes.Add($"scale-in held by the look-ahead: {inputs.DescribeAhead()}, which the next tick's plan would launch for");
        }

        if (inputs.ScaleInHeld is { } held)
        {
            notes.Add(held);
        }

        if (inputs.SwapHeld is { } swap)
        {
            notes.Add($"cheaper-mix search held: {swap}");
        }

        return notes.Count == 0 ? "" : $" ({string.Join("; ", notes)})";
    }

    /// <summary>
    /// Self-correction against the reactive counterfactual (see <see cref="CounterfactualCorrection"/>). More coverage
    /// is only bought while the budget has room: the envelope is not already degraded by the budget, and the spend
    /// rate of the comparison window with the next level's headroom, held to the period's end, stays within budget.
    /// </summary>
    private string? Correct(PlanningContext context, double ceiling)
    {
        var budget = context.Budget;
        var hourly = _policy.Catalog.HourlyCost(context.Current) * (decimal)(1 + CounterfactualCorrection.HeadroomPerLevel);
        // The budget binds while its ceiling cuts demand or it forced the envelope below the target quantile: no raise
        // then, and a raised level is given back (the budget-bound case spends on demand, not on headroom).
        var binds = budget.Hard && (double.IsFinite(ceiling) || _outlook.Calibrator.ActiveQuantile < _outlook.Calibrator.TargetQuantile - 1e-12);
        if (binds)
        {
            _budgetBoundAt = context.Now;
        }

        // A budget that bound within the last day binds again at the next peak: coverage bought in the quiet hours
        // between would spend what that peak needs (quick suite, nasa-jul-launch: 1.35x clairvoyant-budget's unserved
        // with raises between binding spells, 1.29x without).
        var room = !budget.Hard || (context.Now - _budgetBoundAt >= BudgetMemory &&
            budget.ProjectedUsd(context.Now, hourly) <= budget.LessReserve(_options.BudgetSafety, context.Now).BudgetUsd);
        var why = _correction.Update(context.Now, _correction.Own, _correction.Rule, room, binds, BehindPace(budget, context.Now));
        if (why is not null)
        {
            _outlook.Retarget(_correction.Quantile(_options.CoverageQuantile), _correction.Headroom);
        }

        return why;
    }

    /// <summary>
    /// Whether a hard budget's spend so far is behind its pace by enough to keep a raised coverage level through quiet
    /// hours (<see cref="CounterfactualCorrection.KeepPaceShare"/> of the budget prorated to the time elapsed); always
    /// without a hard budget.
    /// </summary>
    internal static bool BehindPace(BudgetWindow budget, DateTimeOffset now)
    {
        var period = (budget.End - budget.Start).TotalHours;
        if (!budget.Hard || period <= 0)
        {
            return true;
        }

        var elapsed = Math.Clamp((now - budget.Start).TotalHours / period, 0, 1);
        return budget.SpentUsd <= budget.BudgetUsd * (decimal)(CounterfactualCorrection.KeepPaceShare * elapsed);
    }

    /// <summary>
    /// While self-correction follows the reactive rule (one window after a raise), every row's bound is at least the
    /// capacity the rule holds now: launches ordered with the rule's serve when the rule's do.
    /// </summary>
    private static OutlookResult FollowRule(OutlookResult outlook, double ruleCapacity) =>
        ruleCapacity > outlook.Upper.Min()
            ? outlook with { Upper = [.. outlook.Upper.Select(u => Math.Max(u, ruleCapacity))], RuleCapacity = ruleCapacity }
            : outlook;

    /// <summary>
    /// Whether the churn rules may spend: always without a hard budget; with one, only while no budget ceiling binds
    /// and the spend rate so far, raised by <see cref="MarginBudgetRoom"/> and held to the period's end, stays within
    /// the budget. Capacity a binding budget pays for now is capacity its pacing cuts later (a 5-minute scale-in window
    /// raised nasa-aug-outage's unserved from 4.5 % to 8.0 % that way). Measured on the quick suite's road-traffic
    /// series, whose spend rate grows through the period: nab-occupancy-6005's unserved 4.19 % without the margin, 4.63 %
    /// with 10 % room, 4.58 % with 25 %, 4.39 % with 50 %.
    /// </summary>
    private bool MarginAffordable(PlanningContext context, double ceiling)
    {
        var budget = context.Budget;
        if (!budget.Hard)
        {
            return true;
        }

        if (double.IsFinite(ceiling))
        {
            return false;
        }

        var elapsed = (context.Now - budget.Start).TotalHours;
        var rate = elapsed >= _tick.TotalHours ? budget.SpentUsd / (decimal)elapsed : _policy.Catalog.HourlyCost(context.Current);
        return budget.ProjectedUsd(context.Now, rate * (1 + MarginBudgetRoom)) <= budget.LessReserve(_options.BudgetSafety, context.Now).BudgetUsd;
    }

    /// <summary>Demand this many times the outlook's bound for the tick starts a surge after an outage (<c>surge_on_return</c>).</summary>
    private const double SurgeJumpRatio = 2;

    /// <summary>The outlook's bound for the next row on the previous tick: what this tick's demand was expected to stay under.</summary>
    private double _lastNextBound;

    /// <summary>What started the surge in force, for the emergency step's reason.</summary>
    private string _surgeCause = StepInputs.AnomalySurge;

    /// <summary>
    /// A surge starts with an upward anomaly (or, in the recovery after an outage, with demand at twice the outlook's
    /// bound: <c>surge_on_return</c>) and lasts while demand keeps setting new highs (and one boot delay after
    /// the last): the calibrated outlook learned normal demand and lags a flash crowd, so during a surge the emergency
    /// step sizes for the observed demand plus headroom plus the current ramp continued until launches could serve.
    /// Noise that merely wiggles upwards does not prolong it (with a long boot delay some tick always rises), and the
    /// ramp carried over the boot delay is capped at the demand itself: a one-minute jump is not a trend to extrapolate
    /// ten minutes ahead.
    /// </summary>
    private double SurgeDemand(PlanningContext context, bool roomy)
    {
        var demand = context.ObservedDemand;
        var slope = double.IsNaN(_previousDemand) ? 0 : Math.Max(0, demand - _previousDemand);
        _previousDemand = demand;
        var inSurge = context.Now <= _surgeUntil;
        // After an outage (the traffic gap's recovery), demand at several times the bound the outlook set for this tick,
        // above what the fleet serves, is a surge whether or not a detector flagged it: to a detector that learned the
        // hours of trickle before it, the return of traffic is no anomaly (nasa-aug-outage.one.b3: 402 then 1,098 rps
        // after seven hours of 11-109 rps, a 360 rps fleet bounded by "recent mean 189.1 rps" while the rule scaled to
        // 1,620). Outside a recovery a burst is the envelope's to price (twitter's bursts chased this way cost more).
        var returned = _options.SurgeOnReturn && roomy && _outlook.Quarantined && _lastNextBound > 0 &&
            demand > SurgeJumpRatio * _lastNextBound && demand > _policy.Catalog.Capacity(context.Ready);
        if (returned && !context.ScaleUpNow && !inSurge)
        {
            _surgeCause = FormattableString.Invariant($"surge on traffic back after an outage ({demand / _lastNextBound:0.#} x the bound for this tick)");
        }
        else if (context.ScaleUpNow && !inSurge)
        {
            _surgeCause = StepInputs.AnomalySurge;
        }

        if (context.ScaleUpNow || returned || (inSurge && demand > _surgePeak))
        {
            _surgeUntil = context.Now + _policy.BootDelay + _tick;
            _surgePeak = inSurge ? Math.Max(_surgePeak, demand) : demand;
        }

        if (context.Now > _surgeUntil)
        {
            return 0;
        }

        var bootTicks = Math.Max(1, _policy.BootDelay / _tick);
        return (demand * (1 + _options.EmergencyHeadroom)) + Math.Min(slope * bootTicks, demand);
    }

    /// <summary>
    /// The fewest instances the program may plan: min_instances, and one while any demand is expected. Shortfall is
    /// priced per rps, so a fraction of an rps (a service at 0.05-0.1 rps with min_instances 0) cost less than an
    /// instance and the program left every request of it unserved for an hour; from zero instances, any demand is an
    /// outage. With no demand expected the fleet may still go to zero.
    /// </summary>
    internal static int ActiveFloor(int minInstances, IReadOnlyList<double> rowDemand) =>
        minInstances > 0 || !rowDemand.Any(d => d > 0) ? minInstances : 1;

    /// <summary>
    /// min_instances, or as many of the cheapest type as a hard budget pays for where it cannot pay them all (the
    /// guard's <see cref="PlanGuard.BudgetFloor"/>): the program then buys the most capacity that money allows, in any
    /// type (one 250 rps instance for $0.12/h, where two 70 rps ones at $0.09/h each were trimmed to one).
    /// </summary>
    private int BudgetMinInstances(PlanningContext context) =>
        context.Budget.Hard ? PlanGuard.BudgetFloor(_policy, context) : _policy.Limits.MinInstances;

    /// <param name="settling">Whether a swap above the cap is settling (its overlap is what is left of it).</param>
    private FleetProblem BuildProblem(PlanningContext context, OutlookResult outlook, decimal? cap, bool settling)
    {
        var types = _offerings;
        var limits = _policy.Limits;
        var keep = Enumerable.Range(1, _rows).Select(k => _boots.RowCapacity(_expected, context.Ready, context.Now, _tick, k)).ToArray();
        var priciest = types.Max(t => t.PricePerRps);
        return new FleetProblem
        {
            Types = types,
            Current = [.. types.Select(t => context.Current[t.Name])],
            KeepCapacity = keep,
            LaunchFraction = _launchFraction,
            RowDemand = outlook.Upper,
            SteadyDemand = outlook.Upper[^1],
            MaxRemove = [.. types.Select(t => MaxRemove(t.Name, context))],
            MinInstances = ActiveFloor(BudgetMinInstances(context), outlook.Upper),
            MaxInstances = limits.MaxInstances,
            MaxChanges = limits.MaxStepPerTick,
            MaxHourlyUsd = cap,
            // Under a hard budget the cap paces spend per hour: a swap to a cheaper mix may exceed it while its
            // replacements boot if the hour averages within it. max_hourly_usd and what is left of the budget bind always.
            // A fleet already over the cap gets no overlap: it must come back under it (as the guard's step rule has it).
            CapOverlapHours = !context.Budget.Hard ? 0
                : settling ? (_settleUntil - context.Now).TotalHours
                : cap is { } c && _policy.Catalog.HourlyCost(context.Current) <= c ? ReplacementOverlap(_policy.BootDelay, _tick).TotalHours : 0,
            HardHourlyUsd = context.Budget.Hard ? HardHourly(context) : _policy.Limits.MaxHourlyUsd,
            HorizonHours = _options.HorizonHours,
            LaunchOverheadHours = _policy.BootDelay.TotalHours,
            OverlapHours = ReplacementOverlap(_policy.BootDelay, _tick).TotalHours,
            ShortfallUsdPerRps = _options.ShortfallPenalty * priciest * _options.HorizonHours,
            Spot = _spot,
            Serverless = _serverless,
        };
    }

    /// <summary>
    /// Hours a like-for-like swap is weighed over: how long the fleet has held (since its last scale-out or scale-in,
    /// at most the history seen), between the horizon and <see cref="MaxSwapHorizon"/>. Both times are in the planner's
    /// saved state, so a restarted service (or another replica) resumes with the same age.
    /// </summary>
    private double SwapHorizon(PlanningContext context)
    {
        var last = _lastScaleOut > _lastScaleIn ? _lastScaleOut : _lastScaleIn;
        var seen = _demandTicks * _tick.TotalHours;
        var held = last == DateTimeOffset.MinValue ? seen : Math.Min((context.Now - last).TotalHours, seen);
        return Math.Clamp(held, _options.HorizonHours, Math.Max(_options.HorizonHours, MaxSwapHorizon.TotalHours));
    }

    /// <summary>The ceiling's note on a stuck series it left out, if any (an exporter repeating one value is worth a look).</summary>
    private string StuckNote()
    {
        var (ticks, value) = _pacer.StuckLeftOut;
        return ticks > 0
            ? FormattableString.Invariant($" (not counting {(ticks * _tick).TotalHours:0.#} h where demand read exactly {value:0.###} rps: a stuck series, not traffic)")
            : "";
    }

    /// <summary>
    /// The most the fleet held now may cost per hour whatever a swap's overlap: max_hourly_usd, and what is left of a
    /// hard budget over one commitment (a tick or the billing minimum).
    /// </summary>
    private decimal? HardHourly(PlanningContext context)
    {
        var left = PlanGuard.BudgetLeftHourlyUsd(_tick, _policy.BillingMinimum, context.Budget)!.Value;
        return _policy.Limits.MaxHourlyUsd is { } cap ? Math.Min(cap, left) : left;
    }

    /// <summary>
    /// How long an instance removed "once replacements serve" overlaps with them: it goes at the first decision after
    /// the replacements boot, so a tick at least. (Priced at the boot delay alone, a zero boot made removing later as
    /// cheap as removing now, and a plan with nothing to launch kept 56 idle instances "until replacements serve" for
    /// two hours; an hourly service's overlap was priced at its 4.5-minute boot instead of the hour it lasts.)
    /// </summary>
    internal static TimeSpan ReplacementOverlap(TimeSpan boot, TimeSpan tick) =>
        tick * Math.Max(1, Math.Ceiling(boot / tick - 1e-9));

    /// <summary>
    /// Instances of an offering scale-in may take: none while one of it launched within the billing minimum runs
    /// (billing_minimum_hold: the launch was just paid for, removing its sibling would be churn), otherwise those
    /// past their billing minimum (removing a younger one saves nothing).
    /// </summary>
    private int MaxRemove(string type, PlanningContext context)
    {
        var young = _boots.Young(type, context.Now);
        return _options.BillingMinimumHold && young > 0 ? 0 : Math.Max(0, context.Current[type] - young);
    }

    private static Fleet ToFleet(FleetProblem problem, int[] counts) =>
        Fleet.Of(problem.Types.Select((t, i) => new KeyValuePair<string, int>(t.Name, counts[i])));

    private List<PlanAlternative> Alternatives(PlanningContext context, StepInputs inputs, Fleet reactive, Fleet chosen, double offload)
    {
        var need = inputs.Problem.SteadyDemand;
        PlanAlternative Alt(string name, Fleet fleet, double capacity, string note) =>
            new(name, fleet, _policy.Catalog.HourlyCost(fleet), capacity, Math.Max(0, need - capacity), note);

        var keepCapacity = inputs.Problem.KeepCapacity[^1];
        return
        [
            Alt("keep", context.Current, keepCapacity, "hold the billed fleet"),
            Alt("reactive", reactive, _policy.Catalog.Capacity(reactive),
                $"target tracking at 70% utilization; so far it would have cost {_reactive.Tally.Describe()} (this policy: {_own.Describe()}" +
                    (_correction.Level != 0 ? $", self-correction level {_correction.Level:+0;-0})" : ")")),
            offload > 0 && _policy.Serverless is { } serverless
                ? new PlanAlternative("chosen", chosen, _policy.Catalog.HourlyCost(chosen) + serverless.HourlyCost(offload), _policy.Catalog.Capacity(chosen) + offload,
                    Math.Max(0, need - _policy.Catalog.Capacity(chosen) - offload),
                    $"covers p{inputs.Outlook.Quantile * 100:0.#} demand {need:0.#} rps, {offload:0.#} rps of it on {serverless.Name} (${serverless.HourlyCost(offload):0.####}/h) until instances serve")
                : Alt("chosen", chosen, _policy.Catalog.Capacity(chosen), $"covers p{inputs.Outlook.Quantile * 100:0.#} demand {need:0.#} rps"),
        ];
    }

    private ForecastSummary Summary(PlanningContext context, OutlookResult outlook)
    {
        var f = context.Forecast;
        var steps = f is null ? 0 : Math.Min(_rows, f.Steps);
        var p50 = steps > 0 ? f!.P50.Take(steps).Max() : outlook.Features[DemandOutlook.LevelFeature];
        var p90 = steps > 0 ? f!.P90.Take(steps).Max() : double.NaN;
        var level = outlook.Features[DemandOutlook.LevelFeature];
        var trend = outlook.Peak > level * 1.1 ? "rising" : outlook.Peak < level * 0.9 ? "falling" : "steady";
        return new ForecastSummary(f?.Model ?? "own-history envelope", _rows, p50, double.IsNaN(p90) ? outlook.Peak : p90, outlook.Quantile, outlook.Peak,
            context.DemandClass is { } demandClass ? $"{demandClass.ToString().ToLowerInvariant()} demand, {trend}" : trend);
    }
}
