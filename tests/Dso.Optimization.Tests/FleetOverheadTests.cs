using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>
/// Budget-bound degradation priced like the fleet the planner really buys (<c>budget_overhead</c>): the budget ceiling
/// scales the demand seen so far by what the fleet has cost over it, learned where the budget's cap did not bite, after
/// the planner's warm-up, and shrunk toward 1 while it rests on few hours.
/// </summary>
public sealed class FleetOverheadTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly InstanceCatalog Catalog = new([new InstanceType("small", 2, 4, 0.02m, 10)]);
    private const int Days = 4;

    private static BudgetWindow Window(decimal spent, DateTimeOffset? start = null) =>
        new(start ?? Start, (start ?? Start).AddDays(30), 100m, spent, Hard: true);

    [Fact]
    public void Ratio_is_billed_over_demand_at_the_model_price_where_the_cap_did_not_bite()
    {
        var overhead = new FleetOverhead();
        overhead.Observe(Window(0), Start, 100, 0.01, 0, null, excluded: false);
        // Hours 1-5: 100 rps modeled at $1/h, billed $1.40/h under a $3/h cap (it did not bite).
        for (var h = 1; h <= 5; h++)
        {
            overhead.Observe(Window(1.4m * h), Start.AddHours(h), 100, 0.01, 0, 3m, excluded: false);
        }

        // Hour 6: billed $2.95 under a $3/h cap (it bit: the bill says what the budget allowed, not what demand costs).
        overhead.Observe(Window(7m + 2.95m), Start.AddHours(6), 400, 0.01, 0, 3m, excluded: false);
        // Hour 7: an anomaly held the fleet at $5/h.
        overhead.Observe(Window(14.95m), Start.AddHours(7), 100, 0.01, 0, null, excluded: true);
        Assert.Equal(5, overhead.ModeledUsd, 6);
        Assert.Equal(5, overhead.Hours, 6);
        Assert.Equal(1.4, overhead.RawRatio, 6);
        // Five hours against the prior's day: 1 + 0.4 x 5 / 29.
        Assert.Equal(1 + (0.4 * 5 / (5 + FleetOverhead.PriorHours)), overhead.Ratio(Window(14.95m)), 6);

        // Bounded, and a new period starts afresh.
        var dear = new FleetOverhead();
        dear.Observe(Window(0), Start, 100, 0.01, 0, null, false);
        dear.Observe(Window(50m), Start.AddHours(1), 100, 0.01, 0, null, false);
        Assert.Equal(FleetOverhead.MaxRatio, dear.RawRatio);
        Assert.Equal(1, dear.Ratio(Window(0, Start.AddMonths(1))));
    }

    /// <summary>
    /// Feeds the pacer <paramref name="hours"/> of 100 rps served by 10 small instances while the ledger bills
    /// <paramref name="billedHourly"/> for each hour (the ceiling's price model says $0.22/h: 100 rps at the usable
    /// price per rps, +10 % for granularity), and returns the ceiling it then solves (rps of capacity) and the overhead
    /// it learned.
    /// </summary>
    private static (double Ceiling, double Overhead) After(int hours, decimal budget, bool overhead, Func<int, decimal> billedHourly)
    {
        var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 200, MaxStepPerTick = 100 }, budget, TimeSpan.FromMinutes(3),
            new Dictionary<string, double> { ["budget_overhead"] = overhead ? 1 : 0 }) with { Tick = TimeSpan.FromMinutes(1) };
        var pacer = new BudgetPacer(policy, CostOptimizerOptions.From(policy.Strategy));
        var history = new DemandHistory(10_000);
        var fleet = Fleet.Of(("small", 10));
        var ceiling = double.NaN;
        var spent = 0m;
        BudgetWindow? window = null;
        for (var i = 0; i <= hours * 60; i++)
        {
            // 100 rps, live: the same value to the last digit for hours is a stuck series the ceiling leaves out.
            var demand = 100 + (i % 2 * 1e-6);
            history.Add(demand);
            window = new BudgetWindow(Start, Start + TimeSpan.FromDays(Days), budget, spent, Hard: true);
            var context = new PlanningContext
            {
                Now = Start + TimeSpan.FromMinutes(i),
                ObservedDemand = demand,
                Current = fleet,
                Ready = fleet,
                Budget = window,
            };
            ceiling = pacer.Ceiling(context, history);
            pacer.Allowance(context, 100, ceiling);
            spent += billedHourly(i / 60) / 60;
        }

        return (ceiling, pacer.Overhead(window!));
    }

    private static double CeilingAfter(int hours, decimal budget, bool overhead, Func<int, decimal> billedHourly) =>
        After(hours, budget, overhead, billedHourly).Ceiling;

    [Fact]
    public void A_fleet_dearer_than_the_catalog_price_makes_the_ceiling_bind_where_the_catalog_price_would_not()
    {
        // Billed $0.33/h for 48 hours ($15.84), 1.5 x the model. $28.60 leaves (28.60 x 0.99 - 15.84) / 48 h = $0.26/h:
        // at the model's $0.22/h all demand fits, at the fleet's real cost it does not.
        static decimal Billed(int hour) => 0.33m;
        Assert.Equal(double.PositiveInfinity, CeilingAfter(48, 28.6m, overhead: false, Billed));
        // Serving up to C costs C x $0.0022/h: $0.26/h pays about 118 rps of capacity (100 rps of demand needs 132 at
        // the learned overhead, 1 + 0.5 x 42 h / 66 h).
        Assert.InRange(CeilingAfter(48, 28.6m, overhead: true, Billed), 112, 124);
        // A budget that covers the real cost leaves it unbound.
        Assert.Equal(double.PositiveInfinity, CeilingAfter(48, 60m, overhead: true, Billed));
    }

    [Fact]
    public void The_planners_warm_up_does_not_price_the_ceiling()
    {
        // The first 6 hours bill 3 x the model (warm-up headroom), the next 42 exactly the model, under a budget whose
        // cap never bites ($200 for four days): the overhead learned is the settled fleet's, 1 (up to the one interval
        // that straddles the warm-up's end). Counting the warm-up it would be 1 + 0.25 x 48 / 72 = 1.17.
        static decimal Billed(int hour) => hour < 6 ? 0.66m : 0.22m;
        var (ceiling, overhead) = After(48, 200m, overhead: true, Billed);
        Assert.InRange(overhead, 1, 1.005);
        Assert.Equal(double.PositiveInfinity, ceiling);
    }
}
