using Dso.Abstractions.Catalog;
using Dso.Policies.Model;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Decides how much the fleet may cost per hour this tick under the policy's caps. A hard budget is paced, not
/// spread flat: a short burst may cost more than the flat affordable rate as long as month-to-date + the burst for
/// one commitment (a tick or the billing minimum) + the spend rate the planner has actually needed so far, held to
/// the period's end, stays within budget. Until that rate is known (the first hours) only the flat rate is used.
/// </summary>
internal sealed class BudgetPacer(ServicePolicy policy, CostOptimizerOptions options)
{
    /// <summary>
    /// How far the reserve is put above the observed spend rate, for demand growing during the period. Too high and
    /// the first days of a tight month are held to the flat rate under a daily peak (0.3 left wikipedia-hourly's first
    /// afternoons 15-20 % short); the hard budget holds either way, since the flat rate is always affordable.
    /// </summary>
    private const decimal ReserveMargin = 0.1m;

    /// <summary>Spend history needed before pacing by it (a day's rhythm needs at least a few hours to show).</summary>
    private static readonly TimeSpan Warmup = TimeSpan.FromHours(6);

    private readonly decimal _holdHours = (decimal)Math.Max(policy.Tick.TotalHours, policy.BillingMinimum.TotalHours);

    /// <summary>Instance granularity and headroom make a fleet cost this much more than its demand at the best price per rps.</summary>
    private const double GranularityMargin = 0.1;

    private readonly BudgetCeiling _ceiling = new() { StuckTicks = BudgetCeiling.StuckTicksFor(policy.Tick), NearBind = options.BudgetNearBind };

    private readonly SpendCalibration _spend = new();

    /// <summary>What serving has cost on every tick but anomaly holds (bound or not): the price while spend runs ahead of pace.</summary>
    private readonly SpendCalibration _paceSpend = new();

    /// <summary>The fleet's cost over its demand at the model's price, where the budget's cap did not bite (<c>budget_overhead</c>).</summary>
    private readonly FleetOverhead _overhead = new();

    private double _lastCeiling = double.NaN;

    /// <summary>The hourly cap handed to the guard on the previous tick: the interval since was billed under it.</summary>
    private decimal? _lastCap;

    private double _demandSum;
    private long _demandTicks;
    private double _topDemand;

    /// <summary>
    /// The best price per rps among the types a fleet for the demand seen so far can use: a type bigger than the mean
    /// demand is never bought at its price per rps (one of them serves the whole load and more), so a catalog with a
    /// cheap-per-rps giant (2,100 rps for a 350 rps service) must not make the budget look 20 % roomier than it is.
    /// Until demand is seen, the smallest type's size is the bound.
    /// </summary>
    internal double UsablePricePerRps
    {
        get
        {
            var types = policy.Catalog.Types;
            var level = Math.Max(_demandTicks > 0 ? _demandSum / _demandTicks : 0, types.Min(t => t.CapacityRps));
            return types.Where(t => t.CapacityRps <= level + 1e-9).Min(t => t.PricePerRps);
        }
    }

    /// <summary>USD per hour one rps of demand costs at the usable price per rps, with granularity and headroom.</summary>
    private double UsdPerRps => UsablePricePerRps * (1 + GranularityMargin);

    /// <summary>
    /// The capacity ceiling (rps) a binding hard budget can pay for, spent where demand is (see
    /// <see cref="BudgetCeiling"/>): finite only when the budget binds and the ceiling is known; +∞ when it does not
    /// bind, NaN when unknown or switched off (then the flat rate and the quantile ladder degrade as before).
    /// </summary>
    /// <param name="degraded">Whether the budget held the coverage below its target on the previous tick.</param>
    /// <summary>What the ceiling's last solve left out as a stuck series (ticks, and the longest run's value).</summary>
    public (long Ticks, double Value) StuckLeftOut => _ceiling.LeftOut;

    public double Ceiling(PlanningContext context, DemandHistory history, bool degraded = false)
    {
        if (double.IsFinite(context.ObservedDemand))
        {
            _demandSum += Math.Max(0, context.ObservedDemand);
            _demandTicks++;
            _topDemand = Math.Max(_topDemand, context.ObservedDemand);
        }

        var budget = context.Budget;
        var floor = (double)PlanGuard.FloorHourlyUsd(policy);
        if (budget.Hard && options.BudgetRealizedCost)
        {
            // Priced only from ticks the budget bound on (a finite ceiling or coverage held below its target), without an anomaly hold.
            var bound = degraded || double.IsFinite(_lastCeiling);
            _spend.Observe(budget, context.Now, context.ObservedDemand, policy.Catalog.Capacity(context.Ready), UsdPerRps, floor, context.HoldScaleIn || !bound);
        }

        if (budget.Hard && options.BudgetPaceCost)
        {
            _paceSpend.Observe(budget, context.Now, context.ObservedDemand, policy.Catalog.Capacity(context.Ready), UsdPerRps, floor, context.HoldScaleIn);
        }

        if (budget.Hard && options.BudgetOverhead)
        {
            // The planner's own warm-up (headroom while too little history exists to calibrate) says nothing about what
            // its calibrated fleet costs: a first day priced at 1.8 x cut a covered service's first evening.
            var warming = _demandTicks * policy.Tick < Warmup;
            _overhead.Observe(budget, context.Now, context.ObservedDemand, UsdPerRps, floor, _lastCap, context.HoldScaleIn || warming);
        }

        if (!options.BudgetCeiling || !budget.Hard || context.Now - budget.Start < Warmup)
        {
            return _lastCeiling = double.NaN;
        }

        var safe = budget.LessReserve(options.BudgetSafety, context.Now);
        var hourly = (double)safe.AffordableHourlyUsd(context.Now);
        if (policy.Limits.MaxHourlyUsd is { } cap)
        {
            hourly = Math.Min(hourly, (double)cap);
        }

        if (options.BudgetOverhead)
        {
            return _lastCeiling = _ceiling.Ceiling(context.Now, history, hourly, UsdPerRps, floor, overhead: _overhead.Ratio(budget));
        }

        var ratio = options.BudgetRealizedCost ? _spend.Ratio(budget) : 1;
        if (options.BudgetPaceCost && AheadOfPace(budget, context.Now))
        {
            // Ahead of pace the catalog price has already proved too low: what the fleet really paid per rps served is
            // what the rest of the period will pay (quick suite, nasa-jul-launch: a quiet first day judged the budget
            // roomy, 53 % was spent by 42 % of the period and the last quarter left 32 % unserved).
            ratio = Math.Max(ratio, _paceSpend.Ratio(budget));
        }

        return _lastCeiling = _ceiling.Ceiling(context.Now, history, hourly, UsdPerRps, floor, ratio);
    }

    /// <summary>Whether the finite ceiling of the last tick binds only because all demand seen is near the allowance (<c>budget_near_bind</c>).</summary>
    public bool NearBind => _ceiling.Near && double.IsFinite(_lastCeiling);

    /// <summary>The fleet's learned cost over its demand at the model's price (<see cref="FleetOverhead"/>; tests).</summary>
    internal double Overhead(BudgetWindow budget) => _overhead.Ratio(budget);

    /// <summary>Whether month-to-date spend is a larger share of the budget than the elapsed share of the period.</summary>
    internal static bool AheadOfPace(BudgetWindow budget, DateTimeOffset now)
    {
        var period = (budget.End - budget.Start).TotalHours;
        var elapsed = (now - budget.Start).TotalHours;
        return period > 0 && budget.BudgetUsd > 0 && (double)(budget.SpentUsd / budget.BudgetUsd) > elapsed / period;
    }

    /// <summary>
    /// Mean capacity a hard budget can pay for over the rest of the period at the flat affordable rate (infinite
    /// without a hard budget): the outlook lowers its coverage quantile when its usual bound would cost more. Under a
    /// known budget ceiling too: headroom held over the troughs for the rare minute above the bound is paid from the
    /// money the ceiling would spend on a peak that certainly comes (a bursty stream with a 7-minute boot held p98
    /// headroom all day and cut every burst at ~400 rps: twitter-late 3.10 → 2.66 × clairvoyant-budget's unserved).
    /// </summary>
    public double SustainableCapacity(PlanningContext context)
    {
        var budget = context.Budget;
        if (!budget.Hard)
        {
            return double.PositiveInfinity;
        }

        var safe = budget.LessReserve(options.BudgetSafety, context.Now);
        var hourly = (double)safe.AffordableHourlyUsd(context.Now);
        if (policy.Limits.MaxHourlyUsd is { } cap)
        {
            hourly = Math.Min(hourly, (double)cap);
        }

        return hourly / UsdPerRps;
    }

    /// <summary>The cap for this tick (null = none) and the pace to hand to the guard (null = flat rate).</summary>
    /// <param name="context">The tick.</param>
    /// <param name="expectedCapacity">Capacity the planner expects to need on average (NaN while unknown).</param>
    /// <param name="ceiling">The budget ceiling (rps) from <see cref="Ceiling"/>: when finite, the fleet may cost what serving up to it costs.</param>
    public (decimal? Cap, BudgetPace? Pace) Allowance(PlanningContext context, double expectedCapacity, double ceiling = double.NaN)
    {
        decimal? cap = policy.Limits.MaxHourlyUsd;
        BudgetPace? pace = null;
        var budget = context.Budget;
        if (budget.Hard)
        {
            var safe = budget.LessReserve(options.BudgetSafety, context.Now);
            var affordable = safe.AffordableHourlyUsd(context.Now);
            var elapsed = context.Now - budget.Start;
            if (options.BudgetPacing && elapsed >= Warmup)
            {
                // The reserve is what the average demand seen so far costs at the usable price per rps, with a margin for
                // headroom and instance granularity; before any demand is seen, what has been spent per hour so far.
                var rate = double.IsFinite(expectedCapacity)
                    ? Usd.FromDouble(expectedCapacity * UsablePricePerRps, "the reserve for the average demand")
                    : budget.SpentUsd / (decimal)elapsed.TotalHours;
                pace = new BudgetPace(_holdHours, Math.Max(rate * (1 + ReserveMargin), PlanGuard.FloorHourlyUsd(policy)));
                affordable = safe.AffordableHourlyUsd(context.Now, pace);
            }

            if (double.IsFinite(ceiling))
            {
                // Serving up to the ceiling costs the rest of the budget on average: a peak may cost more than the flat
                // rate now, a trough less. The guard's reserve is the flat rate itself (what the ceiling spends on average).
                var flat = safe.AffordableHourlyUsd(context.Now);
                affordable = Math.Max(flat, Usd.FromDouble(ceiling * UsdPerRps, "the budget ceiling's hourly cost"));
                pace = new BudgetPace(_holdHours, flat);
            }
            else if (double.IsPositiveInfinity(ceiling) && options.BudgetUnboundPeak)
            {
                // The ceiling finds every demand seen so far affordable where it is: the pace's reserve, which prices the
                // rest of the period at the mean so far, must not cut a peak the ceiling would serve.
                affordable = Math.Max(affordable, Usd.FromDouble(_topDemand * UsdPerRps, "the peak demand's hourly cost"));
            }

            cap = cap is { } c ? Math.Min(c, affordable) : affordable;
        }

        _lastCap = cap;
        return (cap, pace);
    }

    internal void Save(State.StateWriter w)
    {
        _ceiling.Save(w);
        _spend.Save(w);
        _paceSpend.Save(w);
        _overhead.Save(w);
        w.Write(_lastCeiling);
        w.Write(_lastCap);
        w.Write(_demandSum);
        w.Write(_demandTicks);
        w.Write(_topDemand);
    }

    internal void Load(State.StateReader r)
    {
        _ceiling.Load(r);
        _spend.Load(r);
        _paceSpend.Load(r);
        _overhead.Load(r);
        _lastCeiling = r.Double();
        _lastCap = r.DecimalOrNull();
        _demandSum = r.Double();
        _demandTicks = r.Long();
        _topDemand = r.Double();
    }
}
