using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;
using Xunit.Abstractions;

namespace Dso.Optimization.Tests;

/// <summary>
/// Budget-bound degradation, the money's timing and the troughs: a budget judged roomy on a quiet start must not be
/// spent before the busier days that follow (<c>budget_pace_cost</c>), and under a binding ceiling the troughs hold no
/// idle instance for hysteresis (<c>budget_tight_scale_in</c>).
/// </summary>
public sealed class BudgetPaceTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly InstanceCatalog Catalog = new([new InstanceType("small", 2, 4, 0.02m, 10)]);
    private const int Days = 4;
    private const int TicksPerDay = 1440;

    /// <summary>A daily wave whose level grows by <paramref name="growth"/> per day, with 5 % noise.</summary>
    private static double[] GrowingWave(double growth)
    {
        var random = new Random(5);
        return [.. Enumerable.Range(0, Days * TicksPerDay).Select(i =>
            (1 + (growth * i / TicksPerDay)) * (150 - (110 * Math.Cos(2 * Math.PI * i / TicksPerDay))) * (1 + (0.05 * ((2 * random.NextDouble()) - 1))))];
    }

    private static (double Unserved, double Demand, decimal Spent, double[] QuarterUnserved, double IdleBound, int Bound, int Reversals) Run(double[] demand, decimal budget, IReadOnlyDictionary<string, double> parameters)
    {
        var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 200, MaxStepPerTick = 100 }, budget, TimeSpan.FromMinutes(3), parameters)
            with { Tick = TimeSpan.FromMinutes(1) };
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(Days), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 10)));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        var quarter = new double[4];
        var quarterDemand = new double[4];
        double idle = 0;
        var bound = 0;
        var (reversals, lastMove) = (0, 0);
        harness.Run(planner, demand, (i, context, raw, _) =>
        {
            var ready = Catalog.Capacity(context.Ready);
            var move = Math.Sign(Catalog.Capacity(raw.Target) - Catalog.Capacity(context.Current));
            reversals += lastMove < 0 && move > 0 ? 1 : 0;
            lastMove = move;
            var q = i * 4 / demand.Length;
            quarter[q] += Math.Max(0, demand[i] - ready);
            quarterDemand[q] += demand[i];
            if (raw.Reason.Contains("the hard budget binds", StringComparison.Ordinal))
            {
                bound++;
                idle += Math.Max(0, ready - demand[i]);
            }
        });
        return (planner.OwnTally.Unserved, planner.OwnTally.Demand, harness.Spent, [.. quarter.Select((u, q) => u / quarterDemand[q])], idle / Math.Max(1, bound), bound, reversals);
    }

    /// <summary>
    /// Feeds the pacer 12 hours of 100 rps served by 10 small instances while the ledger bills 1.5 times what the
    /// ceiling's price model says serving them costs (headroom, granularity, boots): the ceiling it solves.
    /// </summary>
    private static double CeilingAfterTwelveHours(decimal budget, bool paceCost)
    {
        var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 200, MaxStepPerTick = 100 }, budget, TimeSpan.FromMinutes(3),
            new Dictionary<string, double> { ["budget_pace_cost"] = paceCost ? 1 : 0, ["budget_overhead"] = 0 }) with { Tick = TimeSpan.FromMinutes(1) };
        var pacer = new BudgetPacer(policy, CostOptimizerOptions.From(policy.Strategy));
        var history = new DemandHistory(10_000);
        var fleet = Fleet.Of(("small", 10));
        // The model: 100 rps at the usable price per rps (+10 % for granularity) = $0.22/h; the ledger: $0.33/h.
        const decimal billedHourly = 0.33m;
        var ceiling = double.NaN;
        for (var i = 0; i <= 12 * 60; i++)
        {
            // 100 rps, live: the same value to the last digit for hours is a stuck series the ceiling leaves out.
            var demand = 100 + (i % 2 * 1e-6);
            history.Add(demand);
            var now = Start + TimeSpan.FromMinutes(i);
            var context = new PlanningContext
            {
                Now = now,
                ObservedDemand = demand,
                Current = fleet,
                Ready = fleet,
                Budget = new BudgetWindow(Start, Start + TimeSpan.FromDays(Days), budget, billedHourly * i / 60, Hard: true),
            };
            ceiling = pacer.Ceiling(context, history);
        }

        return ceiling;
    }

    /// <summary>
    /// budget_unbound_peak: the slack above the pace's reserve is spent (the rest of the budget pays only the flat rate,
    /// below the reserve for the mean demand so far), yet the ceiling finds every demand seen so far affordable. The cap
    /// then pays for the peak seen (400 rps at $0.0022/rps-h), not the flat rate; with a finite or unknown ceiling, and
    /// with the rule off, the cap is what it was.
    /// </summary>
    [Fact]
    public void With_an_unbound_ceiling_the_pace_reserve_does_not_cap_the_peak_seen()
    {
        decimal Cap(bool on, double ceiling)
        {
            var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 200, MaxStepPerTick = 100 }, 100m, TimeSpan.FromMinutes(3),
                new Dictionary<string, double> { ["budget_unbound_peak"] = on ? 1 : 0 }) with { Tick = TimeSpan.FromMinutes(1) };
            var options = CostOptimizerOptions.From(policy.Strategy);
            var pacer = new BudgetPacer(policy, options);
            var history = new DemandHistory(10_000);
            var fleet = Fleet.Of(("small", 10));
            PlanningContext? context = null;
            const int Ticks = 7 * 60;
            for (var i = 0; i <= Ticks; i++)
            {
                var demand = i == 100 ? 400 : 100 + (i % 2 * 1e-6);
                history.Add(demand);
                var now = Start + TimeSpan.FromMinutes(i);
                var left = (decimal)(Start.AddDays(Days) - now).TotalHours;
                // Spent so far: what leaves $0.20/h to the end, below the $0.22/h reserve for 100 rps.
                var spent = (100m * (1 - (decimal)options.BudgetSafety)) - (0.2m * left);
                context = new PlanningContext
                {
                    Now = now,
                    ObservedDemand = demand,
                    Current = fleet,
                    Ready = fleet,
                    Budget = new BudgetWindow(Start, Start.AddDays(Days), 100m, spent, Hard: true),
                };
                pacer.Ceiling(context, history);
            }

            return pacer.Allowance(context!, 100, ceiling).Cap!.Value;
        }

        Assert.InRange(Cap(on: true, double.PositiveInfinity), 0.88m - 0.001m, 0.9m);
        Assert.InRange(Cap(on: false, double.PositiveInfinity), 0.19m, 0.21m);
        Assert.InRange(Cap(on: true, double.NaN), 0.19m, 0.21m);
        // A finite ceiling of 150 rps pays for 150 x $0.0022/h, with the rule or without.
        Assert.InRange(Cap(on: true, 150), 0.329m, 0.331m);
        Assert.Equal(Cap(on: true, 150), Cap(on: false, 150));
    }

    [Fact]
    public void Ahead_of_pace_the_ceiling_is_priced_at_what_serving_has_really_cost()
    {
        // $25 for four days: $3.96 spent in the first 12.5 % of the period is 15.8 % of the budget, ahead of pace. At the
        // model's $0.22/h the rest ($0.247/h) still covers all demand; at the billed $0.33/h it does not.
        var withRule = CeilingAfterTwelveHours(25m, paceCost: true);
        var without = CeilingAfterTwelveHours(25m, paceCost: false);
        Assert.Equal(double.PositiveInfinity, without);
        // (25 x 0.99 - 3.96) / 84 h over 1.5 x $0.0022 per rps-hour: about 75 rps.
        Assert.InRange(withRule, 70, 80);
    }

    [Fact]
    public void Behind_pace_the_catalog_price_stands()
    {
        // $40: $3.96 is 9.9 % of the budget at 12.5 % of the period, behind pace: nothing changes.
        Assert.Equal(CeilingAfterTwelveHours(40m, paceCost: false), CeilingAfterTwelveHours(40m, paceCost: true));
        Assert.Equal(double.PositiveInfinity, CeilingAfterTwelveHours(40m, paceCost: true));
    }

    [Fact]
    public void Under_a_binding_ceiling_the_troughs_hold_no_idle_instance_for_hysteresis()
    {
        // A daily wave from 40 to 260 rps: about $0.34/h to serve in full, so $30 for four days binds most of the time.
        var demand = GrowingWave(0);
        var tight = Run(demand, 30m, new Dictionary<string, double> { ["budget_pace_cost"] = 0, ["budget_tight_scale_in"] = 1, ["budget_scale_in_band"] = 0, ["budget_overhead"] = 0 });
        var band = Run(demand, 30m, new Dictionary<string, double> { ["budget_pace_cost"] = 0, ["budget_tight_scale_in"] = 0, ["budget_overhead"] = 0 });
        var figures = $"tight: {tight.Unserved / tight.Demand:P2} unserved for ${tight.Spent:0.00}, {tight.IdleBound:0.0} rps idle per bound tick ({tight.Bound} ticks); " +
            $"with the band: {band.Unserved / band.Demand:P2} for ${band.Spent:0.00}, {band.IdleBound:0.0} rps ({band.Bound} ticks)";
        output.WriteLine(figures);
        Assert.True(tight.Spent <= 30m && band.Spent <= 30m, figures);
        Assert.True(tight.Bound > Days * TicksPerDay / 2, figures);
        // Measured: 5.5 rps idle per bound tick and 5.10 % unserved; with the band 7.9 rps and 5.64 %.
        Assert.True(tight.IdleBound < band.IdleBound * 0.8, figures);
        Assert.True(tight.Unserved < band.Unserved - (0.003 * band.Demand), figures);
    }

    [Fact]
    public void Under_a_binding_ceiling_a_narrow_band_keeps_the_next_minutes_rise_from_relaunching_what_scale_in_removed()
    {
        // The same wave with 15 % minute-to-minute noise: with no band, a trough's scale-in leaves less than a minute's
        // usual rise and the next busy minute relaunches it. budget_scale_in_band: 0.06 holds a narrow band. Measured with
        // budget_scale_out_tolerance off: at its default the next minute's small gap launches nothing, and no band
        // reverses nothing either (0 reversals, 7.44 % unserved against the band's 0 and 7.72 %).
        var random = new Random(11);
        var demand = GrowingWave(0).Select(d => d * (1 + (0.15 * ((2 * random.NextDouble()) - 1)))).ToArray();
        var narrow = Run(demand, 30m, new Dictionary<string, double> { ["budget_pace_cost"] = 0, ["budget_scale_in_band"] = 0.06, ["budget_overhead"] = 0, ["budget_scale_out_tolerance"] = 0 });
        var none = Run(demand, 30m, new Dictionary<string, double> { ["budget_pace_cost"] = 0, ["budget_scale_in_band"] = 0, ["budget_overhead"] = 0, ["budget_scale_out_tolerance"] = 0 });
        var full = Run(demand, 30m, new Dictionary<string, double> { ["budget_pace_cost"] = 0, ["budget_tight_scale_in"] = 0, ["budget_overhead"] = 0, ["budget_scale_out_tolerance"] = 0 });
        var figures = $"band 0.06: {narrow.Reversals} next-tick reversals, {narrow.Unserved / narrow.Demand:P2} unserved, {narrow.IdleBound:0.0} rps idle per bound tick ({narrow.Bound} ticks); " +
            $"no band: {none.Reversals}, {none.Unserved / none.Demand:P2}, {none.IdleBound:0.0} ({none.Bound}); " +
            $"scale_in_band: {full.Reversals}, {full.Unserved / full.Demand:P2}, {full.IdleBound:0.0} ({full.Bound})";
        output.WriteLine(figures);
        Assert.True(narrow.Spent <= 30m && none.Spent <= 30m, figures);
        Assert.True(narrow.Bound > Days * TicksPerDay / 2, figures);
        Assert.True(narrow.Reversals < none.Reversals * 0.7, figures);
        Assert.True(narrow.IdleBound < full.IdleBound, figures);
    }

    /// <summary>
    /// budget_safety's reserve (1 %) covers billing the ledger does not see on the spend still to come, so it is
    /// released as the period runs out, and a binding budget spends it by the end instead of keeping it while the last
    /// peaks go unserved (here 98.0 % of the budget spent with the reserve kept, 99.0 % released; the rest is the
    /// instances' granularity at the last ticks).
    /// </summary>
    [Fact]
    public void A_binding_budget_spends_its_reserve_by_the_periods_end()
    {
        const decimal budget = 15m;
        var run = Run(GrowingWave(0), budget, new Dictionary<string, double>());
        var figures = $"spent {run.Spent:0.000} of {budget}, {100 * run.Unserved / run.Demand:0.00} % unserved, bound on {run.Bound} ticks";
        output.WriteLine(figures);
        Assert.True(run.Bound > Days * TicksPerDay / 2, "the budget does not bind: " + figures);
        Assert.True(run.Spent <= budget, "over budget: " + figures);
        Assert.True(run.Spent >= budget * 0.985m, "the reserve was kept to the end: " + figures);
    }

    [Fact]
    public void The_reserve_is_released_evenly_over_the_period()
    {
        var window = new BudgetWindow(Start, Start.AddDays(30), 300m, 120m, Hard: true);
        Assert.Equal(297m, window.LessReserve(0.01, Start).BudgetUsd);
        Assert.Equal(298.5m, window.LessReserve(0.01, Start.AddDays(15)).BudgetUsd);
        Assert.Equal(300m, window.LessReserve(0.01, Start.AddDays(30)).BudgetUsd);
        Assert.Equal(300m, window.LessReserve(0.01, Start.AddDays(31)).BudgetUsd);
    }

    /// <summary>
    /// budget_expected_bursts: 5-minute ticks, 30 rps with a 13x one-tick burst at ticks 1 and 6 of every hour (two
    /// thirds of the demand), a 5-minute boot and a hard budget of half of what serving every burst costs. The budget
    /// holds the fit to p60, which never reaches a burst on 2 ticks of 12; with the rule the rows where the profile
    /// expects a burst are bounded at it up to the ceiling, and the same money serves more of them (measured: 62.9 -> 54.0 %
    /// unserved, both at the whole $15).
    /// </summary>
    [Fact]
    public void Expected_bursts_under_a_binding_ceiling_are_served_with_the_money_the_budget_has()
    {
        const int Ticks = 4 * 288;
        var random = new Random(7);
        double[] demand = [.. Enumerable.Range(0, Ticks).Select(i => 30 * (i % 12 is 1 or 6 ? 13 : 1) * (1 + (0.05 * ((2 * random.NextDouble()) - 1))))];
        (double Unserved, decimal Spent) Run(bool expected)
        {
            var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 200, MaxStepPerTick = 100 }, 15m, TimeSpan.FromMinutes(5),
                new Dictionary<string, double> { ["budget_expected_bursts"] = expected ? 1 : 0 }) with { Tick = TimeSpan.FromMinutes(5) };
            var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(4), hardBudget: true);
            harness.Seed(Fleet.Of(("small", 3)));
            var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
            double unserved = 0;
            harness.Run(planner, demand, (i, context, _, _) => unserved += Math.Max(0, demand[i] - Catalog.Capacity(context.Ready)));
            return (unserved / demand.Sum(), harness.Spent);
        }

        var with = Run(expected: true);
        var without = Run(expected: false);
        output.WriteLine($"with the rule {with.Unserved:P1} unserved for ${with.Spent:0.00}; without {without.Unserved:P1} for ${without.Spent:0.00}");
        Assert.True(with.Spent <= 15m, $"within the budget: ${with.Spent:0.00}");
        Assert.True(with.Unserved < 0.9 * without.Unserved, $"{with.Unserved:P1} against {without.Unserved:P1} without the rule");
    }
}
