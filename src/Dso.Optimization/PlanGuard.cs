using Dso.Abstractions.Catalog;
using Dso.Policies.Model;

namespace Dso.Optimization;

/// <summary>
/// Re-checks any plan against the policy before it is acted on (Karpenter re-validates decisions the same way):
/// catalog, min/max instances, step per tick, the hourly spend cap and a hard budget. Whatever a strategy
/// proposes, what leaves here respects them; each correction is stated in the reason.
/// </summary>
public static class PlanGuard
{
    private const string BudgetNote = "trimmed to the hard budget";
    private const string HourlyCapNote = "capped at max_hourly_usd";
    private const string ServerlessSpendNote = "serverless offload trimmed to";

    public static ScalingPlan Enforce(ScalingPlan plan, ServicePolicy policy, PlanningContext context) => Check(plan, policy, context).Plan;

    /// <summary>
    /// Like <see cref="Enforce"/>, and says what it changed: each correction as a note, and whether a spend limit
    /// (hard budget, hourly cap) cut the plan, so the decision log and the budget alert show what is applied.
    /// </summary>
    public static GuardResult Check(ScalingPlan plan, ServicePolicy policy, PlanningContext context)
    {
        var catalog = policy.Catalog;
        var limits = policy.Limits;
        var notes = new List<string>();
        var proposed = plan.Target;
        if (proposed.Counts.Values.Any(count => count < 0 || count > limits.MaxInstances))
        {
            // Capped per type before anything sums or trims one by one: a plan of billions of instances (from an absurd
            // demand) would overflow the total and keep the trims below busy for hours.
            proposed = Fleet.Of(proposed.Counts.Select(kv => KeyValuePair.Create(kv.Key, Math.Clamp(kv.Value, 0, limits.MaxInstances))));
            notes.Add($"counts capped at max_instances {limits.MaxInstances} per type");
        }

        var target = Fleet.Of(proposed.Counts.Where(kv => catalog.Contains(kv.Key)));
        if (target.Total != proposed.Total)
        {
            notes.Add("dropped types not in the catalog");
        }

        var cheapest = catalog.Types.OrderBy(t => t.PricePerHour).First();
        var hardAffordable = context.Budget.Hard ? HardAffordable(plan, policy, context) : decimal.MaxValue;
        // Under a hard budget that cannot pay min_instances, only as many as it can: raising a fleet the planner chose
        // within the budget (one large instance, say) with the cheapest type, and then trimming the dearest instance to
        // get back under the budget, left the smallest instance serving alone.
        var raiseTo = context.Budget.Hard ? BudgetFloor(policy, context) : limits.MinInstances;
        if (target.Total < raiseTo)
        {
            target = target.With(cheapest.Name, target[cheapest.Name] + raiseTo - target.Total);
            notes.Add($"raised to min_instances {limits.MinInstances}" + (raiseTo < limits.MinInstances ? $" as far as the hard budget pays ({raiseTo})" : ""));
        }

        // Share and floor bind only where spot is offered (a simulated scenario's catalog may have none), as in the planner.
        var spotTerms = catalog.Spot.Count > 0 ? policy.Spot : null;
        if (spotTerms is { } spotPolicy)
        {
            target = SpotGuard.Convert(target, catalog, spotPolicy, notes);
        }

        target = TrimTo(target, catalog, f => f.Total > limits.MaxInstances, limits.MinInstances, notes, $"capped at max_instances {limits.MaxInstances}");
        if (limits.MaxHourlyUsd is { } cap)
        {
            target = TrimTo(target, catalog, f => catalog.HourlyCost(f) > cap, limits.MinInstances, notes, $"{HourlyCapNote} {cap}");
        }

        if (context.HoldScaleIn && catalog.Capacity(target) < catalog.Capacity(context.Current))
        {
            target = context.Current;
            notes.Add("scale-in held: an anomaly makes the low reading untrustworthy");
        }

        var costCeiling = limits.MaxHourlyUsd ?? decimal.MaxValue;
        var hardNow = decimal.MaxValue;
        var hardFloor = raiseTo;
        if (context.Budget.Hard)
        {
            var affordable = hardAffordable;
            hardNow = HardCeilingNow(policy, context, hardFloor);
            // A swap settling above the pace may cost its overlap's price, within what is left of the budget (and the
            // hourly cap, applied above): the replaced instances retire once the replacements serve.
            if (plan.OverlapHourlyUsd is { } overlap && overlap > affordable)
            {
                var left = BudgetLeftHourlyUsd(policy.Tick, policy.BillingMinimum, context.Budget) ?? affordable;
                affordable = Math.Max(affordable, Math.Min(overlap, left));
            }

            costCeiling = Math.Min(costCeiling, affordable);
            target = TrimTo(target, catalog, f => catalog.HourlyCost(f) > affordable && f.Total > 0, hardFloor, notes,
                $"{BudgetNote} (at most ${affordable:0.####}/h for the rest of the period)", plan.Committed);
            if (target.Total < limits.MinInstances)
            {
                notes.Add($"{BudgetNote}: below min_instances {limits.MinInstances}, whose ${FloorHourlyUsd(policy):0.####}/h the rest of the budget cannot pay " +
                    "(a hard budget is a cap; raise it or lower min_instances)");
            }
        }

        if (spotTerms is { } spot)
        {
            target = SpotGuard.TrimShare(target, catalog, spot, notes);
        }

        var stepped = FleetMath.StepTowards(context.Current, target, limits.MaxStepPerTick);
        if (!stepped.Equals(target))
        {
            notes.Add($"limited to max_step {limits.MaxStepPerTick} this tick");
            // A fleet within the spend ceiling is never pushed over it by a swap; one already over it may swap (its cost
            // rises for the tick the swap takes) since that is its way back under.
            var ceiling = catalog.HourlyCost(context.Current) <= costCeiling ? costCeiling : decimal.MaxValue;
            target = FitLaunches(context.Current, stepped, catalog, Math.Max(limits.MaxInstances, context.Current.Total), ceiling, notes);
            target = RemoveBeyondStep(context.Current, target, catalog, hardNow, hardFloor, notes);
        }

        if (context.Budget.Hard)
        {
            target = FitLaunchCommitments(context, target, catalog, policy.BillingMinimum, notes);
        }

        var serverless = ServerlessRps(plan, policy, context, target, hardAffordable, notes);
        var spendLimited = notes.Exists(n => n.StartsWith(BudgetNote, StringComparison.Ordinal) || n.StartsWith(HourlyCapNote, StringComparison.Ordinal)
            || n.StartsWith(ServerlessSpendNote, StringComparison.Ordinal));
        var guarded = notes.Count == 0
            ? plan with { Target = target, ServerlessRps = serverless }
            : plan with { Target = target, ServerlessRps = serverless, Reason = $"{plan.Reason}; guard: {string.Join(", ", notes)}" };
        return new GuardResult(guarded, notes, spendLimited);
    }

    /// <summary>
    /// The serverless rps within the offering's limit, and within what the hourly cap and a hard budget leave after
    /// the fleet (the fleet is what the SLO rests on once launches serve, so the offload gives way first).
    /// </summary>
    /// <param name="hardAffordable">What a hard budget allows per hour now (<see cref="HardAffordable"/>; unused without one).</param>
    private static double ServerlessRps(ScalingPlan plan, ServicePolicy policy, PlanningContext context, Fleet target, decimal hardAffordable, List<string> notes)
    {
        if (plan.ServerlessRps <= 0)
        {
            return 0;
        }

        if (policy.Serverless is not { } serverless)
        {
            notes.Add("dropped the serverless offload: the policy declares no serverless offering");
            return 0;
        }

        var rps = Math.Min(plan.ServerlessRps, serverless.RpsLimit);
        var room = policy.Limits.MaxHourlyUsd is { } cap ? cap : decimal.MaxValue;
        if (context.Budget.Hard)
        {
            room = Math.Min(room, hardAffordable);
        }

        var left = room - policy.Catalog.HourlyCost(target);
        if (room < decimal.MaxValue && serverless.HourlyCost(rps) > left)
        {
            rps = left <= 0 || serverless.UsdPerRpsHour <= 0 ? 0 : Math.Min(rps, (double)(left / serverless.UsdPerRpsHour));
            notes.Add($"{ServerlessSpendNote} {rps:0.#} rps by the spend limit");
        }

        return rps;
    }

    /// <summary>
    /// A step that swaps types launches before it stops (make-before-break), so the stepped fleet can hold more
    /// instances, or cost more, than both the current fleet and the target: launch only what keeps it within
    /// max_instances (or no more than now) and the spend ceiling, most expensive launches dropped first.
    /// </summary>
    private static Fleet FitLaunches(Fleet current, Fleet stepped, InstanceCatalog catalog, int maxInstances, decimal maxHourly, List<string> notes)
    {
        var fitted = stepped;
        while (fitted.Total > maxInstances || catalog.HourlyCost(fitted) > maxHourly)
        {
            var launch = fitted.Counts.Keys.Where(t => fitted[t] > current[t]).OrderByDescending(t => catalog[t].PricePerHour).FirstOrDefault();
            if (launch is null)
            {
                break;
            }

            fitted = fitted.With(launch, fitted[launch] - 1);
        }

        if (!fitted.Equals(stepped))
        {
            notes.Add("fewer launches this step so the swap stays within max_instances and the spend limit");
        }

        return fitted;
    }

    /// <summary>
    /// A launch is billed for at least the billing minimum, even past the period's end; the hourly rates the budget trim
    /// compares hold only where that many hours are left. In the period's last billing minimum, launches are dropped,
    /// dearest first, while what is spent, the instances kept to the end and the launches' whole minimum would exceed
    /// a hard budget (a budget just above min_instances' cost, a one-hour minimum and a third instance launched ten
    /// minutes before the end overspent it by $0.004).
    /// </summary>
    private static Fleet FitLaunchCommitments(PlanningContext context, Fleet target, InstanceCatalog catalog, TimeSpan billingMinimum, List<string> notes)
    {
        var budget = context.Budget;
        var hoursLeft = (decimal)Math.Max(0, (budget.End - context.Now).TotalHours);
        var minimumHours = (decimal)billingMinimum.TotalHours;
        if (minimumHours <= hoursLeft)
        {
            return target;
        }

        decimal Committed(Fleet f) => budget.SpentUsd + f.Counts.Sum(kv =>
            catalog[kv.Key].PricePerHour * (Math.Min(kv.Value, context.Current[kv.Key]) * hoursLeft + Math.Max(0, kv.Value - context.Current[kv.Key]) * minimumHours));

        var fitted = target;
        while (Committed(fitted) > budget.BudgetUsd)
        {
            var launch = fitted.Counts.Keys.Where(t => fitted[t] > context.Current[t]).OrderByDescending(t => catalog[t].PricePerHour).FirstOrDefault();
            if (launch is null)
            {
                break;
            }

            fitted = fitted.With(launch, fitted[launch] - 1);
        }

        if (!fitted.Equals(target))
        {
            notes.Add($"{BudgetNote}: {target.Total - fitted.Total} fewer launches, each billed for the {billingMinimum.TotalMinutes:0.#}-minute minimum that outlasts the period");
        }

        return fitted;
    }

    /// <summary>
    /// The most a fleet may cost per hour now so that a hard budget can still be kept: what is left, less the floor
    /// (<paramref name="floor"/> instances of the cheapest type) for the rest of the period, over one commitment (a
    /// tick or the billing minimum, whichever is longer, within the period). Unlike the pace, a fleet above it for one
    /// tick overruns the budget for good.
    /// </summary>
    private static decimal HardCeilingNow(ServicePolicy policy, PlanningContext context, int floor)
    {
        var hoursLeft = (decimal)Math.Max((context.Budget.End - context.Now).TotalHours, 0);
        var hold = Math.Min((decimal)Math.Max(policy.Tick.TotalHours, policy.BillingMinimum.TotalHours), hoursLeft);
        if (hold <= 0)
        {
            return decimal.MaxValue;
        }

        var floorHourly = floor * policy.Catalog.Types.Min(t => t.PricePerHour);
        return Math.Max(0, context.Budget.BudgetUsd - context.Budget.SpentUsd - (floorHourly * (hoursLeft - hold))) / hold;
    }

    /// <summary>
    /// A hard budget outranks max_step for removals: where the fleet the step limit leaves would overrun what is left
    /// of the budget (<see cref="HardCeilingNow"/>), its launches are dropped and its dearest instances removed now,
    /// beyond the step, until it fits (never below <paramref name="floor"/>). Removed instances stop billing at once, so
    /// this keeps the cap when a fleet far above it must shrink by more than max_step in one tick (a crowd's fleet of
    /// 84 instances in a period's last 15-minute tick, max_step 20, overspent by 1 %). Elsewhere max_step paces the
    /// shrinking as before.
    /// </summary>
    private static Fleet RemoveBeyondStep(Fleet current, Fleet stepped, InstanceCatalog catalog, decimal ceiling, int floor, List<string> notes)
    {
        if (ceiling == decimal.MaxValue || catalog.HourlyCost(stepped) <= ceiling)
        {
            return stepped;
        }

        var fitted = stepped;
        var removed = 0;
        while (catalog.HourlyCost(fitted) > ceiling && fitted.Total > floor)
        {
            // Launches first (they add cost this tick), then the dearest instance already there.
            var launch = fitted.Counts.Keys.Where(t => fitted[t] > current[t]).OrderByDescending(t => catalog[t].PricePerHour).FirstOrDefault();
            var type = launch ?? fitted.Counts.Keys.Where(t => fitted[t] > 0).OrderByDescending(t => catalog[t].PricePerHour).ThenByDescending(t => catalog[t].PricePerRps).First();
            fitted = fitted.With(type, fitted[type] - 1);
            removed += launch is null ? 1 : 0;
        }

        notes.Add(removed > 0
            ? $"{removed} removed beyond max_step to stay within the hard budget (at most ${ceiling:0.####}/h now)"
            : $"launches dropped to stay within the hard budget (at most ${ceiling:0.####}/h now)");
        return fitted;
    }

    /// <summary>What a hard budget allows per hour now: paced when the plan carries a pace, else the flat rate.</summary>
    private static decimal HardAffordable(ScalingPlan plan, ServicePolicy policy, PlanningContext context) =>
        plan.Pace is { } pace
            ? context.Budget.AffordableHourlyUsd(context.Now, pace with { ReserveHourlyUsd = Math.Max(pace.ReserveHourlyUsd, FloorHourlyUsd(policy)) })
            : context.Budget.AffordableHourlyUsd(context.Now);

    /// <summary>
    /// Fewest instances the hard-budget trim keeps: min_instances while the rest of the period can pay them (of the
    /// cheapest type, at the flat affordable rate), else as many of the cheapest type as it can. A hard budget is a cap
    /// the operator promised to the finance side; min_instances is an availability wish that a budget below its cost
    /// cannot grant, so the cap wins (stated in the reason, and `dso validate` warns about such a policy before it
    /// runs). Once the fleet is below min_instances it comes back only when the flat rate pays them with
    /// <see cref="FloorReturnMargin"/> to spare: at the bare price, raising made spend meet the flat rate and the next
    /// tick trimmed again, a launch and a removal every tick, each launch billed its whole billing minimum (random
    /// services, r41-35: 421 actions in 480 half-hour ticks).
    /// </summary>
    internal static int BudgetFloor(ServicePolicy policy, PlanningContext context)
    {
        var min = policy.Limits.MinInstances;
        var cheapest = policy.Catalog.Types.Min(t => t.PricePerHour);
        if (min == 0 || cheapest <= 0)
        {
            return min;
        }

        var flat = context.Budget.AffordableHourlyUsd(context.Now);
        var bare = (int)Math.Min(min, Math.Floor(flat / cheapest));
        var held = context.Current.Total;
        // The margin only where a launch is billed beyond the tick: a raise trimmed again the next tick then costs the
        // billing minimum, where at a one-minute minimum and one-minute ticks it costs nothing the tick does not.
        var margin = policy.BillingMinimum > policy.Tick ? FloorReturnMargin : 0m;
        return bare <= held ? bare : Math.Max(held, (int)Math.Min(min, Math.Floor(flat / (cheapest * (1 + margin)))));
    }

    /// <summary>Share above min_instances' price the flat rate must reach before a fleet below them is raised again.</summary>
    internal const decimal FloorReturnMargin = 0.05m;

    /// <summary>
    /// What is left of the budget per hour if the fleet is held for one commitment (a tick or the billing minimum,
    /// whichever is longer): the most a fleet may cost now whatever the pacing; null when both are zero.
    /// </summary>
    public static decimal? BudgetLeftHourlyUsd(TimeSpan tick, TimeSpan billingMinimum, BudgetWindow budget)
    {
        var hold = (decimal)Math.Max(tick.TotalHours, billingMinimum.TotalHours);
        return hold > 0 ? Math.Max(0, budget.BudgetUsd - budget.SpentUsd) / hold : null;
    }

    /// <summary>The cheapest fleet the policy allows (min_instances of the cheapest type): what a paced budget must always keep for.</summary>
    public static decimal FloorHourlyUsd(ServicePolicy policy) =>
        policy.Limits.MinInstances * policy.Catalog.Types.Min(t => t.PricePerHour);

    /// <summary>Removes the least cost-effective instances while the fleet breaks a limit (keeping at least the floor).</summary>
    /// <param name="keep">Instances the trim must not remove (inside their billing minimum: removing them saves nothing).</param>
    private static Fleet TrimTo(Fleet fleet, InstanceCatalog catalog, Func<Fleet, bool> breaks, int floor, List<string> notes, string note, Fleet? keep = null)
    {
        if (!breaks(fleet))
        {
            return fleet;
        }

        var committed = false;
        while (breaks(fleet) && fleet.Total > 0)
        {
            var removable = fleet.Counts.Where(kv => kv.Value > (keep?[kv.Key] ?? 0)).Select(kv => catalog[kv.Key]).ToList();
            if (removable.Count == 0)
            {
                committed = true;
                break;
            }

            var worst = removable.OrderByDescending(t => t.PricePerHour).ThenByDescending(t => t.PricePerRps).First();
            if (fleet.Total <= floor)
            {
                // At the floor, swap an expensive instance for the cheapest type rather than go below min_instances.
                var cheapest = catalog.Types.OrderBy(t => t.PricePerHour).First();
                if (worst.Name == cheapest.Name)
                {
                    break;
                }

                fleet = fleet.With(worst.Name, fleet[worst.Name] - 1).With(cheapest.Name, fleet[cheapest.Name] + 1);
                continue;
            }

            fleet = fleet.With(worst.Name, fleet[worst.Name] - 1);
        }

        // At min_instances of the cheapest type the floor wins over the limit: the note says so rather than "capped".
        notes.Add(!breaks(fleet) ? note
            : committed ? $"{note} as far as the instances inside their billing minimum allow (removing them saves nothing: the minimum is billed anyway)"
            : $"{note} as far as min_instances {floor} allows (the cheapest {floor} still break it)");
        return fleet;
    }
}
