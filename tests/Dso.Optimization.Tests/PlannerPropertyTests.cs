using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>
/// The planner in a closed loop over many seeded random demand paths, catalogs, limits and budgets: whatever the
/// demand does, the raw plan keeps the hard budget (month-to-date + its own projection), min/max and step limits,
/// and the guarded plan keeps spend so far + what it commits until the next tick within the budget. Each path joins
/// a budget period 6 to 54 hours in, with spend already on the books, so the pacing past its 6-hour warm-up runs.
/// </summary>
public sealed class PlannerPropertyTests
{
    private const int Paths = 1000;
    private const int Ticks = 40;
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RawPlans_KeepHardBudgetAndLimits_OnRandomPaths()
    {
        var random = new Random(4242);
        var paced = 0;
        var checkedTicks = 0;
        var floorCut = 0;
        for (var path = 0; path < Paths; path++)
        {
            var catalog = RandomProblems.Catalog(random, random.Next(1, 5));
            var limits = new LimitsPolicy
            {
                MinInstances = random.Next(0, 3),
                MaxInstances = random.Next(3, 30),
                MaxStepPerTick = random.Next(1, 10),
                MaxHourlyUsd = random.Next(0, 3) == 0 ? (decimal)(0.5 + random.NextDouble() * 2) : null,
            };
            // Spans from one to eight hours with budgets from starving to ample, so pacing and its warm-up both run.
            var span = TimeSpan.FromMinutes(random.Next(60, 480));
            var before = TimeSpan.FromMinutes(random.Next(6 * 60, 54 * 60));
            var period = before + span;
            var budget = Math.Round((decimal)(random.NextDouble() * 3 * period.TotalHours), 2);
            var policy = PlannerHarness.Policy(catalog, limits, budget, TimeSpan.FromMinutes(random.Next(0, 6))) with { Tick = TimeSpan.FromMinutes(1) };
            var harness = new PlannerHarness(policy, Start, span, hardBudget: true, windowStart: Start - before)
            {
                // Up to the flat rate so far: from starving (nothing left) to ample.
                Spent = Math.Round(budget * (decimal)(before / period) * (decimal)random.NextDouble(), 2),
            };
            harness.Seed(Fleet.Of((catalog.Types[0].Name, limits.MinInstances)));
            var planner = new CostOptimizerStrategy().CreatePlanner(policy);
            var demand = DemandPath(random, Ticks, 50 + random.NextDouble() * 2000);
            var floor = PlanGuard.FloorHourlyUsd(policy);
            harness.Run(planner, demand, (i, context, raw, guarded) =>
            {
                var where = $"path {path} tick {i}";
                var hourly = catalog.HourlyCost(raw.Target);
                // A fleet the hard budget held below min_instances may be kept as it is, and where the budget cannot pay
                // min_instances the plan keeps as many as it pays for (the guard's floor).
                Assert.InRange(raw.Target.Total, Math.Min(PlanGuard.BudgetFloor(policy, context), context.Current.Total), limits.MaxInstances);
                Assert.True(FleetMath.Churn(context.Current, raw.Target) <= limits.MaxStepPerTick || context.Current.Total > limits.MaxInstances, $"{where}: step {context.Current} -> {raw.Target} max {limits.MaxStepPerTick} cap {limits.MaxHourlyUsd} min {limits.MinInstances} maxi {limits.MaxInstances} {raw.Strategy} {raw.Reason}");
                if (limits.MaxHourlyUsd is { } cap && limits.MinInstances * catalog.Types.Max(t => t.PricePerHour) <= cap)
                {
                    Assert.True(hourly <= cap, $"{where}: hourly cap");
                }

                // The hard budget, as the applied (guarded) plan projects it: spend so far + the fleet for its hold + the
                // reserve after. (With pacing running, a raw plan can overshoot this by a few percent; the guard trims it.)
                var left = (decimal)(context.Budget.End - context.Now).TotalHours;
                var guardedHourly = catalog.HourlyCost(guarded.Target);
                // Either the flat rate held to the end, or the paced one (the guard allows the larger of the two rates).
                var flat = context.Budget.SpentUsd + guardedHourly * left;
                var projected = raw.Pace is { } pace
                    ? Math.Min(flat, context.Budget.SpentUsd + guardedHourly * Math.Min(pace.HoldHours, left) + Math.Max(pace.ReserveHourlyUsd, floor) * Math.Max(0, left - pace.HoldHours))
                    : flat;
                // Exceptions: only the floor is left, or the fleet is above what it may cost and max_step lets it move
                // only part of the way this tick (a swap to cheaper instances launches before it removes).
                var shrinkingAtMaxStep = FleetMath.Churn(context.Current, guarded.Target) == limits.MaxStepPerTick &&
                    context.Budget.SpentUsd + catalog.HourlyCost(context.Current) * left > context.Budget.BudgetUsd;
                // A make-before-break swap settling above the pace (its replaced instances retire once the replacements
                // serve, and the hour averages within the pace) is held to what is left of the budget over one commitment.
                var settlingSwap = raw.OverlapHourlyUsd is not null &&
                    context.Budget.SpentUsd + guardedHourly * (decimal)Math.Max(policy.Tick.TotalHours, policy.BillingMinimum.TotalHours) <= context.Budget.BudgetUsd + 1e-9m;
                // No exception for the min_instances floor: a hard budget that cannot pay it wins over it.
                Assert.True(projected <= context.Budget.BudgetUsd + 1e-9m || shrinkingAtMaxStep || settlingSwap,
                    $"{where}: projected {projected} over budget {context.Budget.BudgetUsd}: {context.Current} -> {raw.Target}, guarded {guarded.Target} ({guarded.Strategy}: {guarded.Reason})");
                paced += raw.Pace is null ? 0 : 1;
                checkedTicks++;

                // Spent so far + what the guarded fleet commits until the next tick, unless only the floor is left.
                var committed = context.Budget.SpentUsd + (catalog.HourlyCost(guarded.Target) * (decimal)policy.Tick.TotalHours);
                Assert.True(committed <= context.Budget.BudgetUsd || shrinkingAtMaxStep,
                    $"{where}: spent {context.Budget.SpentUsd} + committed {catalog.HourlyCost(guarded.Target)}/h over budget {context.Budget.BudgetUsd}");
                // Below min_instances only when the rest of the budget cannot pay them, and then it says so.
                var floorAffordable = context.Budget.AffordableHourlyUsd(context.Now) >= floor;
                Assert.InRange(guarded.Target.Total, floorAffordable ? Math.Min(limits.MinInstances, context.Current.Total) : 0, Math.Max(limits.MaxInstances, context.Current.Total));
                if (guarded.Target.Total < Math.Min(limits.MinInstances, context.Current.Total))
                {
                    Assert.Contains("below min_instances", guarded.Reason, StringComparison.Ordinal);
                    floorCut++;
                }
                Assert.Contains(raw.Strategy, CostOptimizerPlanner.Steps.Select(s => s.Name).Append("hold"));
                Assert.Equal(["keep", "reactive", "chosen"], raw.Alternatives.Select(a => a.Name));
            });
        }

        // Pacing (past its warm-up) actually ran on a good share of the ticks checked.
        Assert.True(paced > checkedTicks / 4, $"only {paced} of {checkedTicks} plans were paced");
        // Starving budgets were among the paths: the floor gave way to the budget on some ticks.
        Assert.True(floorCut > 0, "no path had a budget below its min_instances floor");
    }

    /// <summary>Random walks with jumps, drops to zero and bursts: the shapes that break naive planners.</summary>
    internal static double[] DemandPath(Random random, int ticks, double level)
    {
        var path = new double[ticks];
        for (var i = 0; i < ticks; i++)
        {
            level *= Math.Exp((random.NextDouble() - 0.5) * 0.2);
            var v = level * (1 + (random.NextDouble() - 0.5) * 0.3);
            v = random.Next(0, 30) switch
            {
                0 => 0,
                1 => v * (2 + random.NextDouble() * 3),
                _ => v,
            };
            path[i] = v;
        }

        return path;
    }
}
