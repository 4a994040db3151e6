using System.Text.Json;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Cloud.Simulated;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

/// <summary>The loop against the simulated cloud with spot offerings and a serverless offering.</summary>
public sealed class ServiceLoopSpotTests
{
    private const double Demand = 1500;
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly ServerlessOffering Lambda = new("lambda", 0.20m, 0.0000166667m, 0.5, 120, 1000, 100);

    /// <summary>The default policy with every type also on spot at 40 % of its price, reclaimed at 1.5/h.</summary>
    private static ServicePolicy Policy()
    {
        var policy = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];
        var types = policy.Catalog.Types;
        return policy with
        {
            Catalog = new InstanceCatalog(types.Concat(types.Select(t => t.Spot(t.PricePerHour * 0.4m, 1.5)))),
            Spot = new SpotPolicy { MaxShare = 0.5, OnDemandMin = 2 },
            Serverless = Lambda,
            Slo = new SloPolicy(1000),
        };
    }

    [Fact]
    public async Task Tick_SpotInterrupted_ReplacesCapacityNextTick_AndKeepsShareAndFloor()
    {
        var policy = Policy();
        var time = new VirtualTimeProvider(Start);
        var cloud = new SimulatedCloud(time);
        cloud.EnsureGroup(policy.ScaleGroup, new SimulatedGroupSettings(policy.Catalog, policy.BootDelay, policy.BillingMinimum, policy.InitialFleet)
        {
            InterruptionSeed = 7,
            Serverless = Lambda,
        });
        using var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:"));
        var loop = new ServiceLoop(policy, "test", new ServiceLoopDependencies
        {
            Source = new ConstantSource(),
            Cloud = cloud,
            Log = log,
            Strategy = Plugins.Strategies.Get(policy.Strategy.Name),
            Time = time,
        });

        var results = new List<TickResult>();
        for (var minute = 1; minute <= 240; minute++)
        {
            time.Set(Start.AddMinutes(minute));
            results.Add(await loop.TickAsync(CancellationToken.None));
        }

        var catalog = policy.Catalog;
        Assert.True(cloud.Interruptions(policy.ScaleGroup) > 0, "spot instances were reclaimed");
        var replaced = 0;
        for (var i = 1; i < results.Count; i++)
        {
            var d = results[i].Decision;
            Assert.True(catalog.SpotCapacity(d.Chosen) <= (0.5 * catalog.Capacity(d.Chosen)) + 1e-9, $"tick {i}: spot share in {d.Chosen}");
            Assert.True(catalog.OnDemandCount(d.Chosen) >= 2, $"tick {i}: on-demand floor in {d.Chosen}");
            var spotBefore = d.Before.Counts.Where(kv => catalog[kv.Key].IsSpot).Sum(kv => kv.Value);
            var spotChosenLast = results[i - 1].Decision.Chosen.Counts.Where(kv => catalog[kv.Key].IsSpot).Sum(kv => kv.Value);
            if (i > 30 && spotBefore < spotChosenLast)
            {
                // An interruption since the last tick: this tick's plan covers the demand again (launches plus serverless while they boot).
                replaced++;
                Assert.True(catalog.Capacity(d.Chosen) + d.ServerlessRps >= Demand, $"tick {i}: {d.Chosen} + {d.ServerlessRps:0.#} rps after an interruption");
                Assert.True(catalog.Capacity(d.Before) >= Demand || catalog.Capacity(d.Chosen) > catalog.Capacity(d.Before),
                    $"tick {i}: lost capacity relaunched ({d.Before} -> {d.Chosen})");
            }
        }

        Assert.True(replaced > 0, "an interruption happened after warm-up");
        Assert.Contains(results, r => r.Decision.Chosen.Counts.Keys.Any(k => catalog[k].IsSpot));
    }

    [Fact]
    public async Task Tick_FleetShortOfDemand_RoutesServerless_AndTheLogReadsItBack()
    {
        var policy = Policy() with { Spot = null, Catalog = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0].Catalog };
        var time = new VirtualTimeProvider(Start);
        var cloud = new SimulatedCloud(time);
        cloud.EnsureGroup(policy.ScaleGroup, new SimulatedGroupSettings(policy.Catalog, policy.BootDelay, policy.BillingMinimum, policy.InitialFleet) { Serverless = Lambda });
        using var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:"));
        var loop = new ServiceLoop(policy, "test", new ServiceLoopDependencies
        {
            Source = new ConstantSource(),
            Cloud = cloud,
            Log = log,
            Strategy = Plugins.Strategies.Get(policy.Strategy.Name),
            Time = time,
        });
        time.Set(Start.AddMinutes(1));
        var first = await loop.TickAsync(CancellationToken.None);
        Assert.True(first.Decision.ServerlessRps > 0, $"the initial fleet {first.Decision.Before} is short of {Demand} rps while launches boot");
        Assert.Equal(first.Decision.ServerlessRps, (await cloud.GetFleetAsync(policy.ScaleGroup, CancellationToken.None)).ServerlessRps);
        Assert.Equal(policy.Catalog.HourlyCost(first.Decision.Chosen) + Lambda.HourlyCost(first.Decision.ServerlessRps), first.Decision.ChosenHourlyCost);
        var logged = Assert.Single(await log.RecentAsync(policy.Name, 10, CancellationToken.None));
        Assert.Equal(first.Decision.ServerlessRps, logged.Decision.ServerlessRps);

        time.Set(Start.AddMinutes(2));
        await loop.TickAsync(CancellationToken.None);
        time.Set(Start.AddMinutes(3));
        Assert.True(cloud.ServerlessCostUsd(policy.ScaleGroup) > 0);
    }

    [Fact]
    public void DecisionJson_WithoutServerless_OmitsTheField_AndOldRowsReadAsZero()
    {
        var decision = new ScalingDecision
        {
            Id = "svc@1",
            Service = "svc",
            Timestamp = Start,
            PolicyVersion = "v",
            Kpis = new Dictionary<string, double>(),
            Before = Fleet.Empty,
            Chosen = Fleet.Of(("c7g.large", 2)),
            ChosenHourlyCost = 0.145m,
            Strategy = "hold",
            Reason = "r",
        };
        var json = JsonSerializer.Serialize(decision, DecisionJson.Options);
        Assert.DoesNotContain("serverless", json, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, JsonSerializer.Deserialize<ScalingDecision>(json, DecisionJson.Options)!.ServerlessRps);

        var routed = JsonSerializer.Serialize(decision with { ServerlessRps = 12.5 }, DecisionJson.Options);
        Assert.Contains("\"serverlessRps\":12.5", routed);
        Assert.Equal(12.5, JsonSerializer.Deserialize<ScalingDecision>(routed, DecisionJson.Options)!.ServerlessRps);
    }

    private sealed class ConstantSource : IMetricSource
    {
        public string Name => "constant";

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(new KpiReading(now.AddMinutes(-1), new Dictionary<string, double> { [KpiNames.RequestRate] = Demand }, SourceHealth.Healthy));
    }
}
