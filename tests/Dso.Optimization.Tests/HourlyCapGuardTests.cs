using Dso.Abstractions.Catalog;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>
/// max_hourly_usd trims every plan down to min_instances and no further. Where min_instances of the cheapest type
/// cost more than the cap, the decision used to say "capped at max_hourly_usd" over a fleet above it; it now says the
/// floor won (found with simulations/suite/random_sweep.py --random-policy).
/// </summary>
public sealed class HourlyCapGuardTests
{
    private static readonly InstanceCatalog Catalog = new([
        new InstanceType("large", 2, 4, 0.0725m, 110),
        new InstanceType("huge", 16, 32, 0.58m, 930),
    ]);

    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static GuardResult Check(Fleet current, Fleet target, int minInstances, decimal cap) => PlanGuard.Check(
        new ScalingPlan(target, "test", "demand", []),
        PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = minInstances, MaxInstances = 400, MaxStepPerTick = 50, MaxHourlyUsd = cap }, 10_000m, TimeSpan.FromMinutes(4)),
        new PlanningContext
        {
            Now = Start.AddDays(3),
            ObservedDemand = 500,
            Current = current,
            Ready = current,
            Budget = new BudgetWindow(Start, Start.AddDays(30), 10_000m, 10m, true),
        });

    [Fact]
    public void A_plan_above_the_cap_is_trimmed_within_it_and_says_capped()
    {
        var guarded = Check(Fleet.Of(("large", 2)), Fleet.Of(("huge", 2), ("large", 2)), minInstances: 1, cap: 1m);

        Assert.True(Catalog.HourlyCost(guarded.Plan.Target) <= 1m);
        Assert.Contains("capped at max_hourly_usd 1", guarded.Notes);
        Assert.True(guarded.SpendLimited);
    }

    [Fact]
    public void Where_min_instances_cost_more_than_the_cap_the_floor_wins_and_the_note_says_so()
    {
        // Three large ($0.2175/h) against a $0.10/h cap: the guard keeps min_instances of the cheapest type.
        var guarded = Check(Fleet.Of(("huge", 3)), Fleet.Of(("huge", 4)), minInstances: 3, cap: 0.10m);

        Assert.Equal(Fleet.Of(("large", 3)), guarded.Plan.Target);
        var note = Assert.Single(guarded.Notes, n => n.StartsWith("capped at max_hourly_usd", StringComparison.Ordinal));
        Assert.Equal("capped at max_hourly_usd 0.10 as far as min_instances 3 allows (the cheapest 3 still break it)", note);
    }
}
