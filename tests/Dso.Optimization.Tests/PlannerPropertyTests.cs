using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>
/// The planner in a closed loop over many seeded random demand paths, catalogs, limits and budgets: whatever the
/// demand does, the raw plan keeps the hard budget (month-to-date + its own projection), min/max and step limits.
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
            var budget = Math.Round((decimal)(random.NextDouble() * 3 * span.TotalHours), 2);
            var policy = PlannerHarness.Policy(catalog, limits, budget, TimeSpan.FromMinutes(random.Next(0, 6))) with { Tick = TimeSpan.FromMinutes(1) };
            var harness = new PlannerHarness(policy, Start, span, hardBudget: true);
            harness.Seed(Fleet.Of((catalog.Types[0].Name, limits.MinInstances)));
            var planner = new CostOptimizerStrategy().CreatePlanner(policy);
            var demand = DemandPath(random, Ticks, 50 + random.NextDouble() * 2000);
            var floor = PlanGuard.FloorHourlyUsd(policy);
            harness.Run(planner, demand, (i, context, raw, guarded) =>
            {
                var where = $"path {path} tick {i}";
                var hourly = catalog.HourlyCost(raw.Target);
                Assert.InRange(raw.Target.Total, limits.MinInstances, limits.MaxInstances);
                Assert.True(FleetMath.Churn(context.Current, raw.Target) <= limits.MaxStepPerTick || context.Current.Total > limits.MaxInstances, $"{where}: step {context.Current} -> {raw.Target} max {limits.MaxStepPerTick} cap {limits.MaxHourlyUsd} min {limits.MinInstances} maxi {limits.MaxInstances} {raw.Strategy} {raw.Reason}");
                if (limits.MaxHourlyUsd is { } cap && limits.MinInstances * catalog.Types.Max(t => t.PricePerHour) <= cap)
                {
                    Assert.True(hourly <= cap, $"{where}: hourly cap");
                }

                // The hard budget, as the plan projects it: spend so far + the plan's fleet for its hold + the reserve after.
                var left = (decimal)(context.Budget.End - context.Now).TotalHours;
                var projected = raw.Pace is { } pace
                    ? context.Budget.SpentUsd + hourly * Math.Min(pace.HoldHours, left) + Math.Max(pace.ReserveHourlyUsd, floor) * Math.Max(0, left - pace.HoldHours)
                    : context.Budget.SpentUsd + hourly * left;
                var affordableFloor = context.Budget.SpentUsd + floor * left;
                // Exceptions: only the floor is left, or the fleet is above what it may cost and max_step lets it move
                // only part of the way this tick (a swap to cheaper instances launches before it removes).
                var shrinkingAtMaxStep = FleetMath.Churn(context.Current, raw.Target) == limits.MaxStepPerTick &&
                    context.Budget.SpentUsd + catalog.HourlyCost(context.Current) * left > context.Budget.BudgetUsd;
                Assert.True(projected <= context.Budget.BudgetUsd + 1e-9m || shrinkingAtMaxStep || raw.Target.Total <= limits.MinInstances && affordableFloor > context.Budget.BudgetUsd,
                    $"{where}: projected {projected} over budget {context.Budget.BudgetUsd}: {context.Current} -> {raw.Target} ({raw.Strategy}: {raw.Reason})");
                Assert.Contains(raw.Strategy, CostOptimizerPlanner.Steps.Select(s => s.Name).Append("hold"));
                Assert.Equal(["keep", "reactive", "chosen"], raw.Alternatives.Select(a => a.Name));
            });
        }
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
