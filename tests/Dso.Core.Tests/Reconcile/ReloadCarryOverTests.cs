using Dso.Abstractions.Catalog;
using Dso.Abstractions.Metrics;
using Dso.Cloud.Simulated;
using Dso.Controller.Composition;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;
using Dso.Testing;

namespace Dso.Core.Tests.Reconcile;

/// <summary>
/// A reload of an edited service keeps what the edit leaves valid (<see cref="ReloadCarryOver"/>): one test per rule,
/// each on a loop that has run five hours (calibrated envelope, detectors, forecaster, instances still inside a
/// one-hour billing minimum) before the edit.
/// </summary>
public sealed class ReloadCarryOverTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private const int Minutes = 300;

    private static ServicePolicy Base => DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0] with { BillingMinimum = TimeSpan.FromHours(1) };

    /// <summary>Noisy demand, then a ramp over the last 20 minutes so the latest launches are inside the billing minimum.</summary>
    private static double Demand(int minute) =>
        (minute < Minutes - 20 ? 300 : 300 + (30 * (minute - (Minutes - 20)))) * (1 + (0.1 * Math.Sin(minute * 1.7)));

    private static async Task<(ServiceLoop Loop, CostOptimizerPlanner Planner, DateTimeOffset Now)> Run()
    {
        var policy = Base;
        var time = new VirtualTimeProvider(Start);
        var cloud = new SimulatedCloud(time);
        cloud.EnsureGroup(policy.ScaleGroup, new SimulatedGroupSettings(policy.Catalog, policy.BootDelay, policy.BillingMinimum, policy.InitialFleet));
        var loop = new ServiceLoop(policy, "v1", new ServiceLoopDependencies
        {
            Source = new MinuteSource(),
            Cloud = cloud,
            Log = new InMemoryDecisionLog(),
            Strategy = Plugins.Strategies.Get(policy.Strategy.Name),
            Time = time,
            DetectorFactory = Plugins.DetectorFactory,
            ForecasterFactory = Plugins.ForecasterFactory,
        });
        for (var minute = 1; minute <= Minutes; minute++)
        {
            time.Set(Start.AddMinutes(minute));
            await loop.TickAsync(CancellationToken.None);
        }

        var planner = (CostOptimizerPlanner)loop.Planner;
        Assert.True(planner.Calibrated, "five hours calibrate the envelope");
        Assert.True(loop.DetectorCount > 0, "detectors running");
        Assert.NotNull(loop.Forecaster);
        return (loop, planner, time.GetUtcNow());
    }

    private static string YoungOffering(CostOptimizerPlanner planner, ServicePolicy policy, DateTimeOffset now)
    {
        var young = policy.Catalog.Types.FirstOrDefault(t => planner.YoungInstances(t.Name, now) > 0);
        Assert.True(young is not null, "the ramp launched instances still inside the billing minimum");
        return young!.Name;
    }

    private static CostOptimizerPlanner Reload(ServiceLoop loop, ServicePolicy edited)
    {
        loop.UpdatePolicy(edited, "v2", Plugins.Strategies.Get(edited.Strategy.Name));
        return (CostOptimizerPlanner)loop.Planner;
    }

    [Fact]
    public async Task BudgetEdit_KeepsDemandLearning_LaunchTimes_Counterfactual_DetectorsAndForecaster()
    {
        var (loop, before, now) = await Run();
        var young = YoungOffering(before, loop.Policy, now);
        var forecaster = loop.Forecaster;
        var detectors = loop.DetectorCount;

        var after = Reload(loop, loop.Policy with { Budget = new BudgetPolicy(2000, BudgetEnforcement.Hard) });

        Assert.NotSame(before, after);
        Assert.Equal(before.ObservedTicks, after.ObservedTicks);
        Assert.True(after.Calibrated);
        Assert.Equal(before.YoungInstances(young, now), after.YoungInstances(young, now));
        Assert.Same(before.ReactiveTally, after.ReactiveTally);
        Assert.Same(forecaster, loop.Forecaster);
        Assert.Equal(detectors, loop.DetectorCount);
    }

    [Fact]
    public async Task LimitsEdit_KeepsDemandLearning_ResetsTheCounterfactual()
    {
        var (loop, before, _) = await Run();

        var after = Reload(loop, loop.Policy with { Limits = loop.Policy.Limits with { MaxInstances = 50 } });

        Assert.Equal(before.ObservedTicks, after.ObservedTicks);
        Assert.NotSame(before.ReactiveTally, after.ReactiveTally);
    }

    [Fact]
    public async Task CatalogEdit_ResetsOnlyTheEditedOfferingsLaunchTimes()
    {
        var (loop, before, now) = await Run();
        var young = YoungOffering(before, loop.Policy, now);
        var added = new InstanceType("m7g.large", 2, 8, 0.0816m, 112);

        // Adding an offering keeps every existing one's launch times and the demand learning.
        var grown = Reload(loop, loop.Policy with { Catalog = new InstanceCatalog([.. loop.Policy.Catalog.Offerings, added]) });
        Assert.Equal(before.YoungInstances(young, now), grown.YoungInstances(young, now));
        Assert.Equal(before.ObservedTicks, grown.ObservedTicks);

        // Repricing the launched offering forgets its launches (only its own), still keeping the demand learning.
        var repriced = Reload(loop, loop.Policy with
        {
            Catalog = new InstanceCatalog([.. loop.Policy.Catalog.Offerings.Select(o => o.Name == young ? o with { PricePerHour = o.PricePerHour * 1.1m } : o)]),
        });
        Assert.Equal(0, repriced.YoungInstances(young, now));
        Assert.Equal(before.ObservedTicks, repriced.ObservedTicks);
    }

    [Fact]
    public async Task StrategyEdit_ResetsThePlanner_KeepsDetectorsAndForecaster()
    {
        var (loop, _, _) = await Run();
        var forecaster = loop.Forecaster;

        var after = Reload(loop, loop.Policy with
        {
            Strategy = new StrategyPolicy(CostOptimizerStrategy.StrategyName, new Dictionary<string, double> { ["coverage_quantile"] = 0.9 }),
        });

        Assert.Equal(0, after.ObservedTicks);
        Assert.Same(forecaster, loop.Forecaster);
        Assert.True(loop.DetectorCount > 0);
    }

    [Fact]
    public async Task MetricsEdit_ResetsDetectorsAndForecaster_KeepsThePlannersLearning()
    {
        var (loop, before, _) = await Run();
        var forecaster = loop.Forecaster;

        var after = Reload(loop, loop.Policy with { Metrics = loop.Policy.Metrics with { Options = new Dictionary<string, string> { ["seed"] = "8" } } });

        Assert.NotSame(forecaster, loop.Forecaster);
        Assert.Equal(0, loop.DetectorCount);
        Assert.Equal(before.ObservedTicks, after.ObservedTicks);
    }

    [Fact]
    public async Task EventsFileEdit_ResetsOnlyTheForecaster()
    {
        var (loop, before, _) = await Run();
        var forecaster = loop.Forecaster;
        var detectors = loop.DetectorCount;

        var after = Reload(loop, loop.Policy with { EventsFile = "/etc/dso/launch.events.yaml" });

        Assert.NotSame(forecaster, loop.Forecaster);
        Assert.Equal(detectors, loop.DetectorCount);
        Assert.Equal(before.ObservedTicks, after.ObservedTicks);
    }

    /// <summary>
    /// The calendar edited in place (same path, other content), as an operator adds a campaign: the loader's hash of
    /// the file tells the reload, which resets the forecaster and keeps detectors and the planner's learning; the same
    /// file loaded again unchanged is no edit at all.
    /// </summary>
    [Fact]
    public async Task EventsFileContentEdit_ResetsOnlyTheForecaster()
    {
        var dir = Path.Combine(Path.GetTempPath(), "dso-calendar-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var calendar = Path.Combine(dir, "shop.events.yaml");
            File.WriteAllText(calendar, "events: []\n");
            var (loop, _, _) = await Run();
            File.WriteAllText(Path.Combine(dir, "shop.yaml"), DefaultPolicy.Text().Replace("    strategy:", "    events_file: shop.events.yaml\n    strategy:", StringComparison.Ordinal));
            var first = Plugins.PolicyLoader().Load(dir).Services[0];
            var withCalendar = Reload(loop, loop.Policy with { EventsFile = first.EventsFile, EventsFileHash = first.EventsFileHash });
            var forecaster = loop.Forecaster;
            var detectors = loop.DetectorCount;

            var again = Plugins.PolicyLoader().Load(dir).Services[0];
            Assert.True(ReloadCarryOver.For(first, again).KeepPlanner, "the same calendar loaded again is no edit");

            File.WriteAllText(calendar, "events:\n  - {name: spring sale, start: 2026-03-02T03:00:00Z, end: 2026-03-02T09:00:00Z, multiplier: 1.5}\n");
            var edited = Plugins.PolicyLoader().Load(dir).Services[0];
            Assert.Equal(first.EventsFile, edited.EventsFile);
            var after = Reload(loop, loop.Policy with { EventsFileHash = edited.EventsFileHash });

            Assert.NotSame(forecaster, loop.Forecaster);
            Assert.Equal(detectors, loop.DetectorCount);
            Assert.Equal(withCalendar.ObservedTicks, after.ObservedTicks);
            Assert.True(after.Calibrated);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task TickEdit_ResetsEverything()
    {
        var (loop, _, _) = await Run();
        var forecaster = loop.Forecaster;

        var after = Reload(loop, loop.Policy with { Tick = TimeSpan.FromMinutes(2) });

        Assert.Equal(0, after.ObservedTicks);
        Assert.NotSame(forecaster, loop.Forecaster);
        Assert.Equal(0, loop.DetectorCount);
    }

    [Fact]
    public async Task UnchangedService_KeepsThePlannerObject()
    {
        var (loop, before, _) = await Run();

        var plan = loop.UpdatePolicy(loop.Policy with { Origin = "policies/moved.yaml:3:5" }, "v2", Plugins.Strategies.Get(loop.Policy.Strategy.Name));

        Assert.True(plan.KeepPlanner);
        Assert.Same(before, loop.Planner);
    }

    /// <summary>Demand by minute since <see cref="Start"/>.</summary>
    private sealed class MinuteSource : IMetricSource
    {
        public string Name => "minutes";

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(new KpiReading(now.AddMinutes(-1), new Dictionary<string, double>
            {
                [KpiNames.RequestRate] = Demand((int)(now - Start).TotalMinutes),
            }, SourceHealth.Healthy));
    }
}
