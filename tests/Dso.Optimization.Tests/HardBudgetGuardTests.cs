using Dso.Abstractions.Catalog;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>
/// A hard budget is a cap whatever else limits the plan. Two ways it was overspent, found by
/// simulations/suite/random_sweep.py on services the fixed suite never draws: a crowd's fleet of 84 instances that had
/// to shrink by more than max_step in the period's last tick (15-minute ticks, max_step 20: 101.1 % of the budget),
/// and a launch in the period's last ten minutes under a one-hour billing minimum, whose whole hour the hourly trim
/// did not count (100.02 %).
/// </summary>
public sealed class HardBudgetGuardTests
{
    private static readonly InstanceCatalog Catalog = new([
        new InstanceType("large", 2, 4, 0.0725m, 110),
        new InstanceType("huge", 16, 32, 0.58m, 930),
    ]);

    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static ServicePolicy Policy(int maxStep, TimeSpan billingMinimum, int minInstances = 1, BudgetEnforcement enforcement = BudgetEnforcement.Hard) =>
        PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = minInstances, MaxInstances = 400, MaxStepPerTick = maxStep }, 450m, TimeSpan.FromMinutes(7))
            with { Tick = TimeSpan.FromMinutes(15), BillingMinimum = billingMinimum, Budget = new BudgetPolicy(450m, enforcement) };

    private static PlanningContext Context(Fleet current, DateTimeOffset now, decimal spent, bool hard = true) => new()
    {
        Now = now,
        ObservedDemand = 500,
        Current = current,
        Ready = current,
        Budget = new BudgetWindow(Start, Start.AddDays(30), 450m, spent, hard),
    };

    [Fact]
    public void A_fleet_far_above_what_the_hard_budget_allows_shrinks_beyond_max_step_to_fit_it()
    {
        // 80 large and 20 huge ($17.40/h) in the period's last 15-minute tick with $1 left: $4/h is all it allows,
        // 55 large; max_step 20 would remove the 20 huge and leave $5.80/h, $1.45 for the tick.
        var current = Fleet.Of(("large", 80), ("huge", 20));
        var now = Start.AddDays(30).AddMinutes(-15);
        var plan = new ScalingPlan(current, "test", "keep the crowd's fleet", []);

        var guarded = PlanGuard.Check(plan, Policy(maxStep: 20, TimeSpan.FromSeconds(60)), Context(current, now, 449m));

        Assert.True(Catalog.HourlyCost(guarded.Plan.Target) <= 4m, $"${Catalog.HourlyCost(guarded.Plan.Target)}/h over the $4/h the budget allows");
        Assert.True(FleetMath.Churn(current, guarded.Plan.Target) > 20, "the step limit held the fleet above the budget");
        Assert.Contains(guarded.Notes, n => n.Contains("beyond max_step", StringComparison.Ordinal));
        Assert.True(guarded.SpendLimited);
    }

    [Fact]
    public void Max_step_still_limits_a_scale_in_that_no_spend_limit_asks_for()
    {
        var current = Fleet.Of(("large", 80), ("huge", 20));
        var plan = new ScalingPlan(Fleet.Of(("large", 5)), "test", "demand fell", []);

        // A soft budget, and a hard one whose pace the fleet is above ($1.22/h for the rest) but which one more tick of
        // the stepped fleet cannot overrun: max_step paces the shrinking.
        var soft = PlanGuard.Check(plan, Policy(maxStep: 20, TimeSpan.FromSeconds(60), enforcement: BudgetEnforcement.Soft), Context(current, Start.AddDays(15), 448m, hard: false));
        var roomy = PlanGuard.Check(plan, Policy(maxStep: 20, TimeSpan.FromSeconds(60)), Context(current, Start.AddDays(15), 10m));
        var lastHour = PlanGuard.Check(plan, Policy(maxStep: 20, TimeSpan.FromSeconds(60)), Context(current, Start.AddDays(30).AddHours(-1), 440m));

        Assert.Equal(20, FleetMath.Churn(current, soft.Plan.Target));
        Assert.Equal(20, FleetMath.Churn(current, roomy.Plan.Target));
        Assert.Equal(20, FleetMath.Churn(current, lastHour.Plan.Target));
        Assert.DoesNotContain(roomy.Notes, n => n.Contains("beyond max_step", StringComparison.Ordinal));
    }

    [Fact]
    public void A_launch_whose_billing_minimum_outlasts_the_period_is_dropped_where_that_minimum_does_not_fit_the_budget()
    {
        // Two large running, a third wanted (min_instances 3), ten minutes left, a one-hour billing minimum. Ten
        // minutes of three cost $0.0363; the launch's hour alone costs $0.0725.
        var current = Fleet.Of(("large", 2));
        var plan = new ScalingPlan(Fleet.Of(("large", 3)), "test", "min_instances", []);
        var policy = Policy(maxStep: 20, TimeSpan.FromHours(1), minInstances: 3);
        var tenMinutesLeft = Start.AddDays(30).AddMinutes(-10);

        // $0.05 left: enough at the hourly rate, not for the launch's hour.
        var tight = PlanGuard.Check(plan, policy, Context(current, tenMinutesLeft, 449.95m));
        Assert.Equal(current, tight.Plan.Target);
        Assert.Contains(tight.Notes, n => n.Contains("billing minimum", StringComparison.Ordinal) || n.Contains("-minute minimum", StringComparison.Ordinal));

        // $0.10 left pays the hour: launched.
        Assert.Equal(Fleet.Of(("large", 3)), PlanGuard.Check(plan, policy, Context(current, tenMinutesLeft, 449.90m)).Plan.Target);

        // Two hours left: the minimum ends inside the period and the hourly trim already counts it.
        var twoHoursLeft = Start.AddDays(30).AddHours(-2);
        Assert.Equal(Fleet.Of(("large", 3)), PlanGuard.Check(plan, policy, Context(current, twoHoursLeft, 449.5m)).Plan.Target);
    }
}
