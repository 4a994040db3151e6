using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Cloud.Simulated;
using Dso.Controller.Composition;
using Dso.Optimization;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;
using Dso.Testing;

namespace Dso.Core.Tests.Reconcile;

/// <summary>
/// The whole loop (planner, holds, guard, simulated cloud billing) over 1,000 seeded random paths, each joining a
/// hard-budget period 6 to 54 hours in (so budget pacing is past its warm-up), with metric outages (holds, some
/// with a fallback size), a crash and restart mid-path (resume) and a policy reload. At every tick: spend billed so
/// far + what the decision commits until the next tick stays within the hard budget; min, max, step and hourly cap.
/// </summary>
public sealed class LoopBudgetPropertyTests
{
    private const int Paths = 1000;
    private const int Ticks = 40;
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EveryTick_KeepsSpendPlusCommittedWithinHardBudgetAndLimits_WithHoldsResumesAndReloads()
    {
        var random = new Random(1111);
        var baseline = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];
        var stats = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var path = 0; path < Paths; path++)
        {
            var policy = RandomPolicy(random, baseline);
            var before = TimeSpan.FromMinutes(random.Next(6 * 60, 54 * 60));
            var span = TimeSpan.FromHours(random.Next(2, 48));
            var period = before + span;
            var budget = Math.Round((decimal)((0.2 + random.NextDouble() * 3) * period.TotalHours), 2);
            var spentBefore = Math.Round(budget * (decimal)(before / period) * (decimal)random.NextDouble(), 2);
            policy = policy with { Budget = new BudgetPolicy(budget, BudgetEnforcement.Hard) };

            var time = new VirtualTimeProvider(Start);
            var cloud = new SimulatedCloud(time);
            cloud.EnsureGroup(policy.ScaleGroup, new SimulatedGroupSettings(policy.Catalog, policy.BootDelay, policy.BillingMinimum,
                Fleet.Of((policy.Catalog.Types[0].Name, policy.Limits.MinInstances))));
            var billedAtStart = cloud.CostUsd(policy.ScaleGroup);
            var log = new InMemoryDecisionLog();
            var demand = DemandPath(random, Ticks, 50 + (random.NextDouble() * 3000));
            var outage = random.Next(0, 3) == 0 ? random.Next(0, Ticks - 5) : -1;
            var crashAt = random.Next(5, Ticks - 5);
            var reloadAt = random.Next(5, Ticks - 5);
            var source = new PathSource(demand, Start, i => outage >= 0 && i >= outage && i < outage + 5);
            ServiceLoop NewLoop(ICloudProvider provider) => new(policy, "p", new ServiceLoopDependencies
            {
                Source = source,
                Cloud = provider,
                Log = log,
                Strategy = Plugins.Strategies.Get(policy.Strategy.Name),
                Time = time,
                BudgetPeriod = (_, _) => (Start - before, Start + span, budget),
                BilledSpendUsd = () => spentBefore + cloud.CostUsd(policy.ScaleGroup) - billedAtStart,
            });

            var loop = NewLoop(cloud);
            for (var i = 0; i < Ticks; i++)
            {
                time.Set(Start + (policy.Tick * (i + 1)));
                if (i == reloadAt)
                {
                    var limits = policy.Limits with { MaxInstances = Math.Max(policy.Limits.MinInstances + 1, policy.Limits.MaxInstances - random.Next(0, 5)) };
                    policy = policy with { Limits = limits };
                    loop.UpdatePolicy(policy, "reloaded", Plugins.Strategies.Get(policy.Strategy.Name));
                    Count(stats, "reloads");
                }

                if (i == crashAt)
                {
                    // The process dies inside this tick's apply (decision logged, no outcome); a new loop resumes it.
                    _ = NewLoop(new DeadCloud(cloud)).TickAsync(CancellationToken.None);
                    loop = NewLoop(cloud);
                    Count(stats, "crashes");
                }

                var result = await loop.TickAsync(CancellationToken.None);
                var d = result.Decision;
                Count(stats, d.Held ? "holds" : "decided");
                Count(stats, result.Outcome?.Message.StartsWith(ServiceLoop.SupersededPrefix, StringComparison.Ordinal) == true ? "superseded" : "ticks");
                Check(path, i, policy, d, result, Start + span, stats);
            }

            Assert.All(log.Decisions, x => Assert.Contains(log.Outcomes, o => o.DecisionId == x.Id));
        }

        Assert.True(stats.GetValueOrDefault("holds") > 500, $"only {stats.GetValueOrDefault("holds")} holds");
        Assert.Equal(Paths, stats["crashes"]);
        Assert.True(stats.GetValueOrDefault("paced above flat") > 50, $"pacing let only {stats.GetValueOrDefault("paced above flat")} ticks spend above the flat rate");
        Console.WriteLine($"loop property: {string.Join(", ", stats.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"))}");
    }

    private static void Check(int path, int tick, ServicePolicy policy, ScalingDecision d, TickResult result, DateTimeOffset end, Dictionary<string, int> stats)
    {
        var where = $"path {path} tick {tick} ({d.Strategy}: {d.Reason})";
        var limits = policy.Limits;
        var catalog = policy.Catalog;
        // Below min_instances only where the rest of a hard budget cannot pay them, and the decision says so.
        var belowFloorForBudget = d.Reason.Contains("below min_instances", StringComparison.Ordinal);
        if (belowFloorForBudget)
        {
            Assert.True(policy.Budget.Enforcement == BudgetEnforcement.Hard && d.Chosen.Total < limits.MinInstances, $"{where}: {d.Before} -> {d.Chosen}");
            stats["below floor for budget"] = stats.GetValueOrDefault("below floor for budget") + 1;
        }

        if (d.Before.Total >= limits.MinInstances && d.Before.Total <= limits.MaxInstances && !belowFloorForBudget)
        {
            Assert.True(d.Chosen.Total >= limits.MinInstances && d.Chosen.Total <= limits.MaxInstances,
                $"{where}: {d.Before} -> {d.Chosen} outside [{limits.MinInstances}, {limits.MaxInstances}] ({d.Id}, outcome {result.Outcome?.Status} {result.Outcome?.Message})");
        }

        Assert.True(FleetMath.Churn(d.Before, d.Chosen) <= limits.MaxStepPerTick || d.Before.Total > limits.MaxInstances, $"{where}: step {d.Before} -> {d.Chosen}");
        var floorCost = limits.MinInstances * catalog.Types.Max(t => t.PricePerHour);
        if (limits.MaxHourlyUsd is { } cap && floorCost <= cap)
        {
            Assert.True(catalog.HourlyCost(d.Chosen) <= cap, $"{where}: {catalog.HourlyCost(d.Chosen)}/h above max_hourly_usd {cap}");
        }

        var budget = d.Budget!;
        var spent = result.SpentUsd;
        var committed = d.ChosenHourlyCost * (decimal)policy.Tick.TotalHours;
        var onlyFloor = d.Chosen.Total <= limits.MinInstances;
        var shrinking = FleetMath.Churn(d.Before, d.Chosen) == limits.MaxStepPerTick && catalog.HourlyCost(d.Chosen) < catalog.HourlyCost(d.Before);
        Assert.True(spent + committed <= budget.MonthlyUsd || shrinking,
            $"{where}: spent {spent} + committed {committed} above the hard budget {budget.MonthlyUsd}: {d.Before} -> {d.Chosen}");
        var flat = (budget.MonthlyUsd - spent) / (decimal)Math.Max((end - d.Timestamp).TotalHours, 1.0 / 60);
        if (d.ChosenHourlyCost > flat * 1.0001m && !onlyFloor)
        {
            Count(stats, "paced above flat");
        }
    }

    private static ServicePolicy RandomPolicy(Random random, ServicePolicy baseline)
    {
        var min = random.Next(0, 3);
        return baseline with
        {
            BootDelay = TimeSpan.FromMinutes(random.Next(0, 6)),
            Limits = new LimitsPolicy
            {
                MinInstances = min,
                MaxInstances = random.Next(Math.Max(3, min + 1), 40),
                MaxStepPerTick = random.Next(1, 12),
                MaxHourlyUsd = random.Next(0, 3) == 0 ? (decimal)(0.5 + (random.NextDouble() * 4)) : null,
                ScaleDownStabilization = TimeSpan.FromMinutes(random.Next(0, 6)),
            },
            Metrics = baseline.Metrics with { FallbackInstances = random.Next(0, 2) == 0 ? random.Next(0, 60) : null },
            InitialFleet = Fleet.Empty,
        };
    }

    private static double[] DemandPath(Random random, int ticks, double level)
    {
        var path = new double[ticks];
        for (var i = 0; i < ticks; i++)
        {
            level *= Math.Exp((random.NextDouble() - 0.5) * 0.2);
            var v = level * (1 + ((random.NextDouble() - 0.5) * 0.3));
            path[i] = random.Next(0, 30) == 1 ? v * (2 + (random.NextDouble() * 3)) : v;
        }

        return path;
    }

    private static void Count(Dictionary<string, int> stats, string key) => stats[key] = stats.GetValueOrDefault(key) + 1;

    /// <summary>Demand by tick; an outage tick reads as a source that is down.</summary>
    private sealed class PathSource(double[] demand, DateTimeOffset start, Func<int, bool> down) : IMetricSource
    {
        public string Name => "path";

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var i = Math.Clamp((int)((now - start).TotalMinutes - 1), 0, demand.Length - 1);
            return Task.FromResult(down(i)
                ? KpiReading.Unavailable(now, "outage")
                : new KpiReading(now.AddMinutes(-1), new Dictionary<string, double> { [KpiNames.RequestRate] = demand[i] }, SourceHealth.Healthy));
        }
    }

    /// <summary>A cloud whose apply never returns: the process died there.</summary>
    private sealed class DeadCloud(ICloudProvider inner) : ICloudProvider
    {
        public string Name => inner.Name;

        public Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken) => inner.GetFleetAsync(scaleGroup, cancellationToken);

        public Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken) => new TaskCompletionSource<ApplyResult>().Task;
    }
}
