using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>
/// Budget-bound degradation: when a hard budget cannot pay for the demand, the optimizer spends it where demand is
/// (troughs in full, peaks up to a ceiling) instead of at a flat rate, and so serves more requests for the same money,
/// close to the clairvoyant constant ceiling, without going over the budget.
/// </summary>
public sealed class BudgetCeilingTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly InstanceCatalog Catalog = new([new InstanceType("small", 2, 4, 0.02m, 10)]);
    private const int Days = 4;
    private const int TicksPerDay = 1440;

    /// <summary>A daily wave from 40 to 360 rps with 5 % noise: a trough an eighth of the peak.</summary>
    private static double[] DailyWave()
    {
        var random = new Random(11);
        return [.. Enumerable.Range(0, Days * TicksPerDay).Select(i =>
            (200 - (160 * Math.Cos(2 * Math.PI * i / TicksPerDay))) * (1 + (0.05 * ((2 * random.NextDouble()) - 1))))];
    }

    /// <summary>
    /// The same wave as per-minute request counts (10 requests/s each, Poisson-like): one standard deviation of a
    /// minute's demand is 17-50 % of its level, so a bound that covers 98 % of minutes sits well above what most use.
    /// </summary>
    private static double[] CountedWave()
    {
        var random = new Random(5);
        return [.. Enumerable.Range(0, Days * TicksPerDay).Select(i =>
        {
            var counts = (200 - (160 * Math.Cos(2 * Math.PI * i / TicksPerDay))) / 10;
            var gauss = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return Math.Max(0, Math.Round(counts + (Math.Sqrt(counts) * gauss))) * 10;
        })];
    }

    private static (double Unserved, double Demand, decimal Spent) Run(double[] demand, decimal budget, bool ceiling, InstanceCatalog? catalog = null, double? boundQuantile = null,
        double? scaleOutTolerance = null)
    {
        var parameters = new Dictionary<string, double> { ["budget_ceiling"] = ceiling ? 1 : 0 };
        if (boundQuantile is { } q)
        {
            parameters["budget_bound_quantile"] = q;
        }

        if (scaleOutTolerance is { } tolerance)
        {
            parameters["budget_scale_out_tolerance"] = tolerance;
        }

        var policy = PlannerHarness.Policy(catalog ?? Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 200, MaxStepPerTick = 100 }, budget, TimeSpan.FromMinutes(3),
            parameters) with { Tick = TimeSpan.FromMinutes(1) };
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(Days), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 10)));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        harness.Run(planner, demand, (_, _, _, _) => { });
        return (planner.OwnTally.Unserved, planner.OwnTally.Demand, harness.Spent);
    }

    /// <summary>Unserved requests of the best constant capacity ceiling the budget pays for, knowing the demand in advance.</summary>
    private static double Clairvoyant(double[] demand, decimal budget)
    {
        var usdPerRpsTick = (double)Catalog.Types[0].PricePerRps / 60;
        double Cost(double c) => demand.Sum(d => Math.Max(Math.Min(d, c), 10) * usdPerRpsTick);
        double low = 0, high = demand.Max();
        while (high - low > 0.01)
        {
            var mid = (low + high) / 2;
            (low, high) = Cost(mid) <= (double)budget ? (mid, high) : (low, mid);
        }

        return demand.Sum(d => Math.Max(0, d - low) * 60);
    }

    [Fact]
    public void A_binding_budget_is_spent_where_demand_is_and_serves_more_than_a_flat_rate()
    {
        var demand = DailyWave();
        // Serving all of it costs about $0.40/h, so $23 for four days binds: 60 % of full coverage.
        const decimal budget = 23m;

        var flat = Run(demand, budget, ceiling: false);
        var ceiling = Run(demand, budget, ceiling: true);
        var best = Clairvoyant(demand, budget);

        var figures = $"unserved: with the ceiling {ceiling.Unserved / ceiling.Demand:P2} for ${ceiling.Spent:0.00}, flat rate {flat.Unserved / flat.Demand:P2} " +
            $"for ${flat.Spent:0.00}, clairvoyant ceiling {best / ceiling.Demand:P2} for ${budget}";
        Assert.True(ceiling.Spent <= budget, figures);
        // The flat rate bills capacity in the troughs that demand does not use; the ceiling serves them and cuts peaks.
        Assert.True(flat.Unserved > best * 1.1, figures);
        // Measured: 43.66 % with the ceiling (43.99 % before its troughs gave up headroom), 45.00 % at the flat rate, 40.07 % for the clairvoyant ceiling (the rest of
        // the gap is the headroom an online policy holds under demand it cannot see coming).
        Assert.True(ceiling.Unserved < flat.Unserved - (0.005 * flat.Demand), figures);
        Assert.True(ceiling.Unserved <= best * 1.15, figures);
    }

    [Fact]
    public void A_budget_that_covers_demand_leaves_the_plans_as_they_were()
    {
        var demand = DailyWave();
        var flat = Run(demand, 500m, ceiling: false);
        var ceiling = Run(demand, 500m, ceiling: true);
        Assert.Equal(flat.Spent, ceiling.Spent);
        Assert.Equal(flat.Unserved, ceiling.Unserved);
    }

    [Fact]
    public void A_type_too_big_for_the_demand_does_not_make_a_binding_budget_look_roomier()
    {
        var demand = DailyWave();
        const decimal budget = 23m;
        // 0.5 mUSD per rps-hour, a quarter of the small type's, but one serves 20,000 rps for $10/h: no fleet for a
        // 40-360 rps service (on a $0.24/h budget) ever holds it, so the money must be paced at the small type's price.
        var withGiant = new InstanceCatalog([Catalog.Types[0], new InstanceType("giant", 96, 384, 10m, 20_000)]);

        var plain = Run(demand, budget, ceiling: true);
        var giant = Run(demand, budget, ceiling: true, withGiant);

        var figures = $"unserved: small type only {plain.Unserved / plain.Demand:P2} for ${plain.Spent:0.00}, with the giant in the catalog " +
            $"{giant.Unserved / giant.Demand:P2} for ${giant.Spent:0.00}";
        Assert.True(giant.Spent <= budget, figures);
        Assert.True(Math.Abs(giant.Unserved - plain.Unserved) <= 0.002 * plain.Demand, figures);
    }

    [Fact]
    public void Under_a_binding_ceiling_the_troughs_give_up_headroom_for_the_peaks()
    {
        var demand = DailyWave();
        var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 200, MaxStepPerTick = 100 }, 23m, TimeSpan.FromMinutes(3))
            with { Tick = TimeSpan.FromMinutes(1) };
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(Days), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 10)));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        int binding = 0, degraded = 0;
        harness.Run(planner, demand, (_, _, raw, _) =>
        {
            if (raw.Reason.Contains("the hard budget binds", StringComparison.Ordinal))
            {
                binding++;
                degraded += raw.Reason.Contains("not p98", StringComparison.Ordinal) ? 1 : 0;
            }
        });

        // The flat rate pays for about 60 % of the mean demand: while the ceiling binds, the coverage quantile is below p98.
        Assert.True(binding > Days * TicksPerDay / 2, $"the ceiling bound on {binding} ticks");
        Assert.True(degraded > binding * 0.9, $"coverage below p98 on {degraded} of {binding} ticks under the ceiling");
        Assert.True(harness.Spent <= 23m, $"spent ${harness.Spent:0.00}");
    }

    [Fact]
    public void Under_a_binding_ceiling_noisy_minutes_are_covered_at_the_bound_quantile_and_the_money_serves_the_peaks()
    {
        var demand = CountedWave();
        // Serving each minute exactly what it asks costs about $38 for the four days: $36 cannot also pay for headroom.
        const decimal budget = 36m;

        var ladder = Run(demand, budget, ceiling: true, boundQuantile: 0);
        var bounded = Run(demand, budget, ceiling: true);

        var figures = $"unserved: at the default budget_bound_quantile {bounded.Unserved / bounded.Demand:P2} for ${bounded.Spent:0.00}, " +
            $"with the ladder alone {ladder.Unserved / ladder.Demand:P2} for ${ladder.Spent:0.00}";
        Assert.True(bounded.Spent <= budget, figures);
        Assert.True(ladder.Spent <= budget, figures);
        // Headroom over each minute's noise bought at p80 is money the ceiling does not get at the peaks.
        // Measured: 19.06 % for $35.33 at the default (p60), 21.76 % for $35.48 with the ladder alone (p80).
        Assert.True(bounded.Unserved < ladder.Unserved - (0.015 * ladder.Demand), figures);
    }

    [Fact]
    public void Under_a_binding_ceiling_a_gap_below_half_the_smallest_instance_launches_nothing_and_the_money_serves_more()
    {
        // The noisy daily wave on 40 rps instances: a launch for the few rps by which a minute's bound tops the fleet
        // buys a whole instance, booted and billed, for a gap the next minute's noise often closes by itself.
        var catalog = new InstanceCatalog([new InstanceType("small", 2, 4, 0.08m, 40)]);
        const decimal budget = 36m;

        var launchAll = Run(CountedWave(), budget, ceiling: true, catalog, scaleOutTolerance: 0);
        var tolerant = Run(CountedWave(), budget, ceiling: true, catalog);

        var figures = $"unserved: at the default budget_scale_out_tolerance {tolerant.Unserved / tolerant.Demand:P2} for ${tolerant.Spent:0.00}, " +
            $"launching for every gap {launchAll.Unserved / launchAll.Demand:P2} for ${launchAll.Spent:0.00}";
        Assert.True(tolerant.Spent <= budget, figures);
        Assert.True(launchAll.Spent <= budget, figures);
        // Measured: 20.28 % for $35.21 at the default (0.5), 21.71 % for $35.30 launching for every gap.
        Assert.True(tolerant.Unserved < launchAll.Unserved - (0.01 * launchAll.Demand), figures);
    }

    [Fact]
    public void A_budget_that_held_the_envelope_down_for_three_days_rounds_gaps_as_a_binding_ceiling_does()
    {
        // Without a ceiling (budget_ceiling off) the budget binds only through the coverage ladder; after three days of
        // it on almost every tick (95 %), the tolerance applies as under a finite ceiling. Judged on the fourth day, at a
        // budget ($28) the ladder holds at p80 on 94 % of ticks.
        var catalog = new InstanceCatalog([new InstanceType("small", 2, 4, 0.08m, 40)]);
        var demand = CountedWave();
        const decimal budget = 28m;
        (int Launches, double Unserved, decimal Spent) Day4(double tolerance, bool reloadOnDay4 = false)
        {
            var parameters = new Dictionary<string, double> { ["budget_ceiling"] = 0, ["budget_scale_out_tolerance"] = tolerance };
            var policy = PlannerHarness.Policy(catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 200, MaxStepPerTick = 100 }, budget, TimeSpan.FromMinutes(3),
                parameters) with { Tick = TimeSpan.FromMinutes(1) };
            var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(Days), hardBudget: true);
            harness.Seed(Fleet.Of(("small", 10)));
            var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
            var (launches, unserved) = (0, 0.0);
            void Check(int i, PlanningContext context, ScalingPlan raw, ScalingPlan guarded)
            {
                if (i >= 3 * TicksPerDay)
                {
                    launches += catalog.Capacity(guarded.Target) > catalog.Capacity(context.Current) ? 1 : 0;
                    unserved += Math.Max(0, demand[i] - catalog.Capacity(context.Ready));
                }
            }

            // A reload that keeps what demand taught (an edit of slo, budget or limits) keeps the three-day record too.
            var reloadAt = reloadOnDay4 ? 3 * TicksPerDay : demand.Length;
            harness.Run(planner, demand, Check, to: reloadAt);
            var next = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy, planner, new PlannerCarryOver { Demand = true, Counterfactual = true, Offerings = new HashSet<string> { "small" } });
            harness.Run(next, demand, Check, from: reloadAt);
            return (launches, unserved, harness.Spent);
        }

        var tolerant = Day4(CostOptimizerOptions.DefaultBudgetScaleOutTolerance);
        var launchAll = Day4(0);
        var figures = $"day 4: at the default {tolerant.Launches} launches, {tolerant.Unserved:0} rps-ticks unserved, ${tolerant.Spent:0.00} in all; " +
            $"launching for every gap {launchAll.Launches}, {launchAll.Unserved:0}, ${launchAll.Spent:0.00}";
        // Measured: 4 launches and 81,850 rps-ticks unserved on day 4 at the default, 5 and 82,800 launching for every gap;
        // $27.11 and $27.12 in all. Before day 4 the two runs are the same (not yet three days of it).
        Assert.True(tolerant.Spent <= budget && launchAll.Spent <= budget, figures);
        Assert.True(tolerant.Launches < launchAll.Launches, figures);
        Assert.True(tolerant.Unserved < launchAll.Unserved, figures);
        Assert.Equal(tolerant, Day4(CostOptimizerOptions.DefaultBudgetScaleOutTolerance, reloadOnDay4: true));
    }

    [Fact]
    public void Under_a_binding_ceiling_a_burst_is_not_held_through_the_stabilization_window()
    {
        // 100 rps with an 8-minute burst to 400 rps every 35-85 minutes (irregular: no recurring-burst clock forms), about
        // $0.27/h to serve in full: $24 for four days binds.
        var random = new Random(3);
        var burst = new bool[Days * TicksPerDay];
        for (var at = 30; at < burst.Length; at += 35 + random.Next(50))
        {
            for (var k = at; k < Math.Min(at + 8, burst.Length); k++)
            {
                burst[k] = true;
            }
        }

        var demand = burst.Select(b => (b ? 400.0 : 100.0) * (1 + (0.03 * ((2 * random.NextDouble()) - 1)))).ToArray();
        var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 200, MaxStepPerTick = 100, ScaleDownStabilization = TimeSpan.FromMinutes(5) },
            24m, TimeSpan.FromMinutes(3)) with { Tick = TimeSpan.FromMinutes(1) };
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(Days), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 10)));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        int ends = 0, released = 0;
        double held = 0;
        harness.Run(planner, demand, (i, _, raw, guarded) =>
        {
            // The second tick after a burst ended, while the ceiling binds: the fleet should be back near the base load.
            if (i >= 2 && burst[i - 2] && !burst[i - 1] && !burst[i] && raw.Reason.Contains("the hard budget binds", StringComparison.Ordinal))
            {
                ends++;
                released += Catalog.Capacity(guarded.Target) <= 150 ? 1 : 0;
                held += Catalog.Capacity(guarded.Target);
            }
        });

        Assert.True(ends > Days * 24 / 2, $"the ceiling bound after {ends} bursts");
        // Measured: back on 90 of 90, 109 rps held on average, 22.30 % unserved; holding the 5-minute window's peak
        // instead: 14 of 90, 180 rps, 23.61 % unserved for the same $23.76.
        Assert.True(released > ends * 0.8, $"back to the base load two ticks after {released} of {ends} bursts under the ceiling (mean {held / Math.Max(1, ends):0.0} rps held)");
        Assert.True(harness.Spent <= 24m, $"spent ${harness.Spent:0.00}");
    }

    [Fact]
    public void Traffic_leaves_out_a_series_stuck_at_one_value_for_hours_and_keeps_short_repeats_and_zeros()
    {
        var history = new DemandHistory(1000);
        // 60 live ticks (10 and 100 alternating, and one value repeated five times), 80 ticks stuck at 5, 30 zeros.
        foreach (var d in Enumerable.Range(0, 60).Select(i => i is >= 20 and < 25 ? 70.0 : i % 2 == 0 ? 10.0 : 100.0)
                     .Concat(Enumerable.Repeat(5.0, 80)).Concat(Enumerable.Repeat(0.0, 30)))
        {
            history.Add(d);
        }

        var kept = BudgetCeiling.Traffic(history, 0, stuckTicks: 6);
        Assert.Equal(90, kept.Count);
        Assert.DoesNotContain(5.0, kept);
        Assert.Equal(5, kept.Count(d => d == 70.0));
        Assert.Equal(30, kept.Count(d => d == 0));
        Assert.Equal(170, BudgetCeiling.Traffic(history, 0, stuckTicks: 0).Count);
        Assert.Equal(72, BudgetCeiling.StuckTicksFor(TimeSpan.FromMinutes(5)));
        Assert.Equal(6, BudgetCeiling.StuckTicksFor(TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Solve_does_not_read_a_stuck_series_as_quiet_traffic()
    {
        var history = new DemandHistory(1000);
        foreach (var d in Enumerable.Range(0, 60).Select(i => i % 2 == 0 ? 10.0 : 100.0).Concat(Enumerable.Repeat(5.0, 80)))
        {
            history.Add(d);
        }

        // The live half at 10, half at 100: a ceiling of 50 costs (10 + 50) / 2 = 30 an hour. Read as traffic, the 80
        // stuck ticks would bring the whole history's cost at its peak to 26.4 and the budget would look roomy.
        Assert.Equal(50, BudgetCeiling.Solve(history, 30, 1, 0, stuckTicks: 6), 0);
        Assert.Equal(double.PositiveInfinity, BudgetCeiling.Solve(history, 30, 1, 0));
    }

    [Fact]
    public void Days_of_a_stuck_exporter_do_not_make_a_binding_budget_look_roomy_for_the_rest_of_the_period()
    {
        // 5-minute ticks over a 10-day period: the daily wave, then two days where the exporter repeats the trough's
        // value (a store carrying the last value over missing rows), then the wave again. Counted as traffic, the two
        // quiet days halve the demand the ceiling projects for the week after them: the fleet spends the wave's money
        // freely for days and the period's end is starved. The same demand a billionth off the stuck value each tick
        // is what the ceiling would read without the rule (it is traffic for all the ceiling can tell).
        const int perDay = 288;
        const int days = 10;
        var random = new Random(3);
        var wave = Enumerable.Range(0, days * perDay).Select(i =>
            (200 - (160 * Math.Cos(2 * Math.PI * i / perDay))) * (1 + (0.05 * ((2 * random.NextDouble()) - 1)))).ToArray();
        var stuck = wave.Select((d, i) => i is >= perDay and < 3 * perDay ? 40.0 : d).ToArray();
        var jittered = stuck.Select((d, i) => i is >= perDay and < 3 * perDay ? 40.0 + (i % 2 * 1e-9) : d).ToArray();
        const decimal budget = 60m;

        (double Unserved, double LastDays, decimal Spent, string? Note) RunOn(double[] demand)
        {
            var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 200, MaxStepPerTick = 100 }, budget, TimeSpan.FromMinutes(3))
                with { Tick = TimeSpan.FromMinutes(5) };
            var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(days), hardBudget: true);
            harness.Seed(Fleet.Of(("small", 10)));
            var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
            var lastDays = 0.0;
            string? note = null;
            harness.Run(planner, demand, (i, context, raw, _) =>
            {
                lastDays += i >= (days - 3) * perDay ? Math.Max(0, demand[i] - Catalog.Capacity(context.Ready)) : 0;
                note ??= i >= 3 * perDay && raw.Reason.Contains("stuck series", StringComparison.Ordinal) ? raw.Reason : null;
            });
            return (planner.OwnTally.Unserved / planner.OwnTally.Demand, lastDays, harness.Spent, note);
        }

        var skipped = RunOn(stuck);
        var counted = RunOn(jittered);
        var figures = $"stuck run left out: {skipped.Unserved:P2} unserved, {skipped.LastDays:0} rps-ticks in the last three days, ${skipped.Spent:0.00}; " +
            $"read as traffic: {counted.Unserved:P2}, {counted.LastDays:0}, ${counted.Spent:0.00}";
        Assert.True(skipped.Spent <= budget && counted.Spent <= budget, figures);
        Assert.True(skipped.LastDays < counted.LastDays * 0.9, figures);
        // Measured: left out, 28.45 % unserved and 47,331 rps-ticks in the last three days for $59.02; read as
        // traffic, 30.34 % and 83,783 for $59.29.
        Assert.True(skipped.Unserved < counted.Unserved, figures);
        // The decision says what the ceiling left out (an operator may want to look at that exporter).
        Assert.Contains("h where demand read exactly 40 rps: a stuck series, not traffic", skipped.Note ?? "(no decision names it)", StringComparison.Ordinal);
        Assert.Null(counted.Note);
    }

    [Fact]
    public void Solve_finds_the_ceiling_whose_mean_cost_is_the_affordable_rate()
    {
        var history = new DemandHistory(1000);
        foreach (var d in Enumerable.Range(0, 100).Select(i => i < 50 ? 10.0 : 100.0))
        {
            history.Add(d);
        }

        // Half the ticks at 10, half at 100, $1 per rps-hour, no floor: a ceiling of 50 costs (10 + 50) / 2 = 30.
        Assert.Equal(50, BudgetCeiling.Solve(history, 30, 1, 0), 0);
        Assert.Equal(double.PositiveInfinity, BudgetCeiling.Solve(history, 60, 1, 0));
        Assert.True(double.IsNaN(BudgetCeiling.Solve(history, 30, 1, 40)), "a floor above the affordable rate leaves it to the flat rate");
    }
}
