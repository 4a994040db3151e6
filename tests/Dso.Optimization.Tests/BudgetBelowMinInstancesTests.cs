using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;
using Xunit.Abstractions;

namespace Dso.Optimization.Tests;

/// <summary>
/// A hard budget below what min_instances cost (a newcomer's policy: two small instances at $0.0923/h, $125.54 a
/// month). Found by simulations/suite/random_sweep.py (seed 41, r41-35: 30-minute ticks, demand 10-122 rps): the
/// planner chose one 250 rps instance within the budget, the guard raised it to min_instances with the cheapest type
/// and then trimmed the dearer instance to get back under the budget, leaving one 70 rps instance serving the day's
/// peaks (4.9 % unserved, where one large instance at $0.1237/h serves everything); and where the flat rate hovered at
/// min_instances' price the guard raised and trimmed on alternate ticks, 421 actions in 480 ticks, each launch billed
/// its whole billing minimum.
/// </summary>
public sealed class BudgetBelowMinInstancesTests(ITestOutputHelper output)
{
    private static readonly InstanceCatalog Catalog = new([
        new InstanceType("small", 2, 4, 0.0923m, 70),
        new InstanceType("large", 4, 16, 0.1237m, 250),
        new InstanceType("dear", 4, 8, 0.2391m, 192),
    ]);

    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static ServicePolicy Policy(decimal budget) =>
        PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 2, MaxInstances = 40, MaxStepPerTick = 10 }, budget, TimeSpan.FromMinutes(7))
            with { Tick = TimeSpan.FromMinutes(30) };

    /// <summary>A 30-day period whose flat affordable rate is <paramref name="hourly"/> at its start.</summary>
    private static PlanningContext Context(Fleet current, decimal hourly) => new()
    {
        Now = Start,
        ObservedDemand = 110,
        Current = current,
        Ready = current,
        Budget = new BudgetWindow(Start, Start.AddDays(30), hourly * 720, 0m, true),
    };

    [Fact]
    public void A_fleet_the_budget_pays_is_not_raised_to_min_instances_and_trimmed_to_the_smallest_instance()
    {
        // $0.1734/h pays one large (250 rps) but not two small ($0.1846/h).
        var plan = new ScalingPlan(Fleet.Of(("large", 1)), "test", "one large covers 110 rps within the budget", []);

        var guarded = PlanGuard.Check(plan, Policy(124.85m), Context(Fleet.Of(("small", 1)), 0.1734m));

        Assert.Equal(Fleet.Of(("large", 1)), guarded.Plan.Target);
        Assert.Contains(guarded.Notes, n => n.Contains("below min_instances 2", StringComparison.Ordinal));
    }

    [Fact]
    public void Below_min_instances_the_fleet_comes_back_only_when_the_budget_pays_them_with_room_to_spare()
    {
        var plan = new ScalingPlan(Fleet.Of(("small", 1)), "test", "one small covers demand", []);
        var policy = Policy(133m) with { BillingMinimum = TimeSpan.FromHours(1) };

        // A one-hour billing minimum and 30-minute ticks. $0.1850/h pays two small ($0.1846/h) only just: one held stays
        // one (raising made spend meet the flat rate, the next tick trimmed it again, and each launch billed its hour),
        // two held stay two.
        Assert.Equal(Fleet.Of(("small", 1)), PlanGuard.Check(plan, policy, Context(Fleet.Of(("small", 1)), 0.1850m)).Plan.Target);
        Assert.Equal(Fleet.Of(("small", 2)), PlanGuard.Check(plan, policy, Context(Fleet.Of(("small", 2)), 0.1850m)).Plan.Target);

        // 5 % to spare: raised.
        Assert.Equal(Fleet.Of(("small", 2)), PlanGuard.Check(plan, policy, Context(Fleet.Of(("small", 1)), 0.1940m)).Plan.Target);

        // Below the price of two: trimmed to one.
        Assert.Equal(Fleet.Of(("small", 1)), PlanGuard.Check(plan, policy, Context(Fleet.Of(("small", 2)), 0.1840m)).Plan.Target);

        // Where a launch is billed no longer than the tick, a raise trimmed again costs nothing the tick does not: raised
        // at the bare price.
        Assert.Equal(Fleet.Of(("small", 2)), PlanGuard.Check(plan, Policy(133m), Context(Fleet.Of(("small", 1)), 0.1850m)).Plan.Target);
    }

    [Fact]
    public void A_scale_out_the_spend_cap_leaves_no_room_for_replaces_the_small_instance_with_a_larger_one()
    {
        // Flat $0.1734/h: one small is held and demand needs more than 70 rps; a second small ($0.1846/h) or small +
        // large ($0.2160/h) are over the cap, one large ($0.1237/h) is not.
        var policy = Policy(124.85m);
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 1)));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        double[] demand = [.. Enumerable.Repeat(40.0, 6), .. Enumerable.Repeat(110.0, 6)];
        ScalingPlan? last = null;
        harness.Run(planner, demand, (_, _, _, guarded) => last = guarded);

        output.WriteLine(last!.Reason);
        Assert.Equal(Fleet.Of(("large", 1)), harness.Current);
        Assert.True(Catalog.HourlyCost(harness.Current) <= 0.1734m);
    }

    [Fact]
    public void A_replacement_at_the_spend_cap_must_buy_capacity_more_cheaply_than_the_fleet_it_replaces()
    {
        // Two "lean" (110 rps at $0.0725/h) held, min_instances 3 over the budget, demand above the fleet: two "roomy"
        // (112 rps at $0.0816/h) cover 4 rps more at a dearer price per rps, money a binding budget needs later.
        var catalog = new InstanceCatalog([new InstanceType("lean", 2, 4, 0.0725m, 110), new InstanceType("roomy", 2, 8, 0.0816m, 112)]);
        var policy = PlannerHarness.Policy(catalog, new LimitsPolicy { MinInstances = 3, MaxInstances = 40, MaxStepPerTick = 10 }, 0.19m * 720, TimeSpan.FromMinutes(10))
            with { Tick = TimeSpan.FromMinutes(1) };
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("lean", 2)));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        double[] demand = [.. Enumerable.Repeat(150.0, 30), .. Enumerable.Repeat(260.0, 60)];
        var fleets = new List<Fleet>();
        harness.Run(planner, demand, (_, _, _, guarded) => fleets.Add(guarded.Target));

        output.WriteLine(string.Join(" | ", fleets.Distinct()));
        Assert.All(fleets, f => Assert.Equal(0, f["roomy"]));
    }

    [Fact]
    public void The_hard_budget_trim_keeps_an_instance_inside_its_billing_minimum()
    {
        // One large launched this hour under a one-hour minimum, the budget now allowing $0.10/h: removing it saves
        // nothing (its hour is billed anyway), so it stays until the hour ends; an instance past its minimum goes.
        var plan = new ScalingPlan(Fleet.Of(("large", 1)), "test", "keep", []) { Committed = Fleet.Of(("large", 1)) };
        var policy = Policy(72m) with { BillingMinimum = TimeSpan.FromHours(1) };

        var kept = PlanGuard.Check(plan, policy, Context(Fleet.Of(("large", 1)), 0.10m));
        Assert.Equal(Fleet.Of(("large", 1)), kept.Plan.Target);
        Assert.Contains(kept.Notes, n => n.Contains("inside their billing minimum", StringComparison.Ordinal));

        var paidUp = PlanGuard.Check(plan with { Committed = Fleet.Empty }, policy, Context(Fleet.Of(("large", 1)), 0.10m));
        Assert.Equal(Fleet.Of(("small", 1)), paidUp.Plan.Target);
    }

    /// <summary>
    /// One type at $2.39/h for a 21 rps service whose budget pays 0.7 of one instance around the clock, 15-minute ticks,
    /// a 20-minute boot and a one-hour minimum (random services, seed 42, r42-38): once money had built up the planner
    /// launched, the next tick's rate fell below the instance's price and the guard removed it while it booted, an hour
    /// billed for nothing, every hour: the whole budget spent and 99.9 % unserved. Kept through its hour, the instance
    /// serves once the budget pays it for the rest of the period (measured there: 34.9 % unserved, 2 actions).
    /// </summary>
    [Fact]
    public void An_instance_the_budget_pays_only_part_of_the_time_is_not_launched_and_removed_before_it_serves()
    {
        var catalog = new InstanceCatalog([new InstanceType("giant", 64, 128, 2.3945m, 3669)]);
        var policy = PlannerHarness.Policy(catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 40, MaxStepPerTick = 10 }, 2.3945m * 0.7m * 24 * 7, TimeSpan.FromMinutes(20))
            with { Tick = TimeSpan.FromMinutes(15), BillingMinimum = TimeSpan.FromHours(1) };
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(7), hardBudget: true);
        harness.Seed(Fleet.Of(("giant", 1)));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        double[] demand = [.. Enumerable.Range(0, 7 * 96).Select(i => 21 + Math.Sin(i / 10.0))];
        var served = 0;
        var launches = 0;
        var previous = harness.Current;
        harness.Run(planner, demand, (_, context, _, guarded) =>
        {
            served += catalog.Capacity(context.Ready) >= 20 ? 1 : 0;
            launches += Math.Max(0, guarded.Target.Total - previous.Total);
            previous = guarded.Target;
        });

        output.WriteLine($"served on {served} of {demand.Length} ticks, {launches} launches, ${harness.Spent:0.00} of ${policy.Budget.MonthlyUsd:0.00}");
        Assert.True(served > demand.Length / 2, $"served on {served} of {demand.Length} ticks");
        Assert.True(launches <= 5, $"{launches} launches");
    }

    /// <summary>
    /// The closed loop on a day-shaped demand (10-120 rps) for ten days, at a budget that pays 1.9 of min_instances
    /// around the clock: with both fixes nearly nothing is left unserved and the fleet changes a handful of times
    /// (measured: before, 4.9 % unserved and 421 actions on r41-35; here 0 % and 8 there).
    /// </summary>
    [Fact]
    public void Under_a_budget_below_min_instances_demand_is_served_with_the_capacity_the_money_buys_without_churn()
    {
        const int Ticks = 10 * 48;
        double[] demand = [.. Enumerable.Range(0, Ticks).Select(i => 65 - (55 * Math.Cos(2 * Math.PI * (i % 48) / 48.0)))];
        var policy = Policy(125.54m / 3) with { BillingMinimum = TimeSpan.FromHours(1) };
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(10), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 2)));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        double unserved = 0;
        var actions = 0;
        var previous = harness.Current;
        harness.Run(planner, demand, (i, context, _, guarded) =>
        {
            unserved += Math.Max(0, demand[i] - Catalog.Capacity(context.Ready));
            actions += FleetMath.Churn(previous, guarded.Target);
            previous = guarded.Target;
        });

        output.WriteLine($"{unserved / demand.Sum():P2} unserved, {actions} actions, ${harness.Spent:0.00} of ${125.54m / 3:0.00}");
        Assert.True(harness.Spent <= 125.54m / 3, $"within the budget: ${harness.Spent:0.00}");
        Assert.True(unserved / demand.Sum() < 0.005, $"{unserved / demand.Sum():P2} unserved");
        Assert.True(actions <= 40, $"{actions} launches and removals in {Ticks} ticks");
    }
}
