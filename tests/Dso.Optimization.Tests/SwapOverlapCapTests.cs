using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>
/// A hard budget's pace caps what the fleet may cost per hour. A make-before-break swap pays the old and the new
/// instances together while the replacements boot, so under a cap just above an oversized fleet's price every swap
/// was over it and the fleet stayed oversized for hours (suite, twitter-late.wide.b7.x0.9: one 930-rps instance at
/// 350 rps). The cap now bounds the final fleet and the hour's average; max_hourly_usd and what is left of the
/// budget still bound the fleet held during the overlap.
/// </summary>
public sealed class SwapOverlapCapTests
{
    private static readonly InstanceCatalog Catalog = new([
        new InstanceType("large", 2, 4, 0.0725m, 110),
        new InstanceType("huge", 16, 32, 0.58m, 930),
    ]);

    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>One huge instance serving 350 rps, a cap of $0.65/h, an 8-minute overlap.</summary>
    private static FleetProblem Oversized(double overlapHours, decimal? hard = null) => new()
    {
        Types = Catalog.Types,
        Current = [0, 1],
        KeepCapacity = [930, 930, 930],
        LaunchFraction = [0, 0.5, 1],
        RowDemand = [350, 350, 350],
        SteadyDemand = 350,
        MaxRemove = [0, 1],
        MinInstances = 1,
        MaxInstances = 50,
        MaxHourlyUsd = 0.65m,
        CapOverlapHours = overlapHours,
        HardHourlyUsd = hard,
        HorizonHours = 1,
        LaunchOverheadHours = 0.07,
        OverlapHours = 0.13,
        ShortfallUsdPerRps = 0.05,
    };

    /// <summary>A service paced by a $31.50 budget over two days, on one huge instance, 7-minute boots, 1-minute ticks.</summary>
    private static (ServicePolicy Policy, PlannerHarness Harness, CostOptimizerPlanner Planner) OnHugeInstance()
    {
        var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 50, MaxStepPerTick = 20 }, 31.5m, TimeSpan.FromMinutes(7))
            with { Tick = TimeSpan.FromMinutes(1) };
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(2), hardBudget: true);
        harness.Seed(Fleet.Of(("huge", 1)));
        return (policy, harness, (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy));
    }

    [Fact]
    public void An_oversized_instance_under_a_paced_cap_is_swapped_when_the_hour_averages_within_it()
    {
        var solver = new CpSatFleetSolver(timeLimitSeconds: 10);

        var averaged = solver.Solve(Oversized(0.13));
        var literal = solver.Solve(Oversized(0));
        var hardLimited = solver.Solve(Oversized(0.13, hard: 0.7m));

        // Averaged: four large ones ($0.29/h) replace the huge one once they serve; $0.87/h for 8 minutes, $0.33/h on average.
        Assert.NotNull(averaged);
        Assert.Equal([4, 0], averaged.Add);
        Assert.Equal([0, 1], averaged.RemoveLater);
        Assert.Equal(0.29, averaged.FinalHourlyUsd(Oversized(0.13)), 6);
        // The cap on the held fleet: no swap fits, the huge one stays.
        Assert.NotNull(literal);
        Assert.False(literal.Launches);
        // max_hourly_usd or the budget left bounds the overlap itself.
        Assert.NotNull(hardLimited);
        Assert.False(hardLimited.Launches);
    }

    [Fact]
    public void CpSat_matches_brute_force_and_keeps_the_averaged_cap_on_random_programs()
    {
        var random = new Random(20261202);
        var cpSat = new CpSatFleetSolver(timeLimitSeconds: 10);
        var swaps = 0;
        for (var i = 0; i < 300; i++)
        {
            var problem = RandomProblems.Problem(random, random.Next(1, 4), 2);
            problem = problem with
            {
                MaxInstances = problem.Current.Sum() + 3,
                MaxChanges = Math.Min(problem.MaxChanges, 3),
                MaxHourlyUsd = Math.Round((decimal)(0.1 + (random.NextDouble() * 1.2)), 3),
                CapOverlapHours = 0.02 + (random.NextDouble() * 0.5),
                HardHourlyUsd = random.Next(0, 2) == 0 ? Math.Round((decimal)(0.5 + (random.NextDouble() * 1.5)), 3) : null,
            };
            var brute = new ExhaustiveFleetSolver(3).Solve(problem);
            var solved = cpSat.Solve(problem);
            Assert.True((brute is null) == (solved is null), $"case {i}: feasibility differs (brute {brute?.ObjectiveUsd}, cp-sat {solved?.ObjectiveUsd})");
            if (brute is null || solved is null)
            {
                continue;
            }

            var tolerance = 1e-4 + (problem.ShortfallUsdPerRps * 0.02 * (problem.Rows + 1)) + (1e-6 * Math.Abs(brute.ObjectiveUsd));
            Assert.True(solved.ObjectiveUsd <= brute.ObjectiveUsd + tolerance, $"case {i}: cp-sat {solved.ObjectiveUsd} > brute force {brute.ObjectiveUsd}");

            var now = solved.TargetNow(problem).Select((n, t) => n * problem.Types[t].PricePerHour).Sum();
            var final = solved.Final(problem).Select((n, t) => n * problem.Types[t].PricePerHour).Sum();
            var overlap = (decimal)FleetEvaluator.OverlapPermille(problem) / 1000;
            var cap = problem.MaxHourlyUsd!.Value;
            Assert.True(final <= cap + 0.000001m, $"case {i}: final ${final}/h over the cap ${cap}/h");
            Assert.True((now * overlap) + (final * (1 - overlap)) <= cap + 0.000001m, $"case {i}: the hour averages over the cap ${cap}/h (${now}/h for {overlap} h, then ${final}/h)");
            Assert.True(problem.HardHourlyUsd is not { } hard || now <= hard + 0.000001m, $"case {i}: the held fleet's ${now}/h over the hard ${problem.HardHourlyUsd}/h");
            swaps += now > cap ? 1 : 0;
        }

        // The averaged cap is exercised: some answers hold more than the cap while their replacements boot.
        Assert.True(swaps > 0, "no answer used the overlap");
    }

    [Fact]
    public void The_guard_lets_a_settling_swap_cost_its_overlap_but_never_past_the_budget_left_or_max_hourly_usd()
    {
        var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 50, MaxStepPerTick = 20 }, 450m, TimeSpan.FromMinutes(7))
            with { Tick = TimeSpan.FromMinutes(1) };
        var swap = Fleet.Of(("huge", 1), ("large", 4));
        PlanningContext Context(decimal spent) => new()
        {
            Now = Start.AddDays(15),
            ObservedDemand = 350,
            Current = Fleet.Of(("huge", 1)),
            Ready = Fleet.Of(("huge", 1)),
            Budget = new BudgetWindow(Start, Start.AddDays(30), 450m, spent, Hard: true),
        };

        // $450 a month, $220 spent half-way: $0.639/h is left for the rest, under the swap's $0.87/h.
        var plain = new ScalingPlan(swap, "consolidation", "swap", []);
        var settling = plain with { OverlapHourlyUsd = 0.87m };
        // Without it the budget trim cuts the plan to the pace, whatever it drops.
        Assert.True(Catalog.HourlyCost(PlanGuard.Enforce(plain, policy, Context(220m)).Target) <= 0.64m);
        Assert.Equal(swap, PlanGuard.Enforce(settling, policy, Context(220m)).Target);

        // With $0.01 left, the overlap's minute ($0.0145) does not fit: trimmed as any plan.
        Assert.NotEqual(swap, PlanGuard.Enforce(settling, policy, Context(449.99m)).Target);

        // max_hourly_usd is the operator's own cap: no overlap passes it.
        var capped = policy with { Limits = policy.Limits with { MaxHourlyUsd = 0.7m } };
        Assert.NotEqual(swap, PlanGuard.Enforce(settling, capped, Context(220m)).Target);
    }

    [Fact]
    public void A_budget_paced_service_left_on_an_oversized_instance_moves_to_a_cheaper_mix_and_stays_within_budget()
    {
        // 350 rps for two days on one huge instance ($0.58/h); $31.5 pays about $0.66/h, under the $0.87/h a swap's overlap costs.
        const int ticks = 2 * 1440;
        var random = new Random(3);
        var demand = Enumerable.Range(0, ticks).Select(_ => 350 * (1 + (0.03 * ((2 * random.NextDouble()) - 1)))).ToArray();
        var (_, harness, planner) = OnHugeInstance();
        int? hugeGone = null;
        string? swapReason = null;
        harness.Run(planner, demand, (i, context, raw, guarded) =>
        {
            if (raw.OverlapHourlyUsd is not null && swapReason is null)
            {
                swapReason = raw.Reason;
            }

            if (hugeGone is null && guarded.Target["huge"] == 0)
            {
                hugeGone = i;
            }

            // Every tick: spend so far plus the tick committed stays within the budget.
            Assert.True(context.Budget.SpentUsd + (Catalog.HourlyCost(guarded.Target) / 60) <= 31.5m, $"tick {i}: over the budget");
        });

        var figures = $"huge retired at tick {hugeGone?.ToString() ?? "never"}, spent ${harness.Spent:0.00}, unserved {planner.OwnTally.Unserved:0}, reason: {swapReason}";
        // The replacements boot in 7 minutes; the huge one goes at the first decision after, within the first half hour.
        Assert.True(hugeGone is < 30, figures);
        Assert.True(swapReason?.Contains("the swap's overlap costs $0.943/h for 7 min, above the $0.65/h the budget allows now", StringComparison.Ordinal) == true, figures);
        // Two days at $0.29/h instead of $0.58/h, no request lost to the swap.
        Assert.True(harness.Spent < 15m, figures);
        Assert.Equal(0, planner.OwnTally.Unserved, 6);
    }

    [Fact]
    public void A_restart_mid_swap_forgets_the_settling_window_and_cuts_the_fleet_to_the_cap_at_once()
    {
        // As above; the process restarts two ticks into the swap's overlap (a new planner, nothing carried over).
        var demand = Enumerable.Repeat(350.0, 60).Select((d, i) => d + (i % 2 * 1e-6)).ToArray();
        var (policy, harness, planner) = OnHugeInstance();
        int? settling = null;
        var restartAt = 0;
        for (; restartAt < 30 && (settling is null || restartAt < settling + 2); restartAt++)
        {
            harness.Run(planner, demand, (i, _, raw, _) => settling ??= raw.OverlapHourlyUsd is null ? null : i, from: restartAt, to: restartAt + 1);
        }

        Assert.NotNull(settling);
        var overlapFleet = Catalog.HourlyCost(harness.Current);
        var restarted = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        (decimal Hourly, decimal? Overlap)? after = null;
        harness.Run(restarted, demand, (_, context, raw, guarded) => after ??= (Catalog.HourlyCost(guarded.Target), raw.OverlapHourlyUsd), from: restartAt, to: restartAt + 1);

        var figures = $"settling from tick {settling}, restart at {restartAt}: fleet ${overlapFleet:0.###}/h, after the restart ${after?.Hourly:0.###}/h (overlap {after?.Overlap})";
        Assert.True(overlapFleet > 0.7m, figures);
        Assert.Null(after!.Value.Overlap);
        Assert.True(after.Value.Hourly <= 0.7m, figures);
    }
}
