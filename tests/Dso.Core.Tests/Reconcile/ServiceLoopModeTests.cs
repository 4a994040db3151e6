using Dso.Abstractions.Cloud;
using Dso.Abstractions.Metrics;
using Dso.Cloud.Simulated;
using Dso.Controller.Composition;
using Dso.Optimization;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;
using Dso.Testing;

namespace Dso.Core.Tests.Reconcile;

public sealed class ServiceLoopModeTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Tick_DryRun_LogsWouldApplyAndNeverChangesTheCloud()
    {
        var policy = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0] with { Cloud = new CloudPolicy { Mode = ApplyMode.DryRun } };
        var time = new VirtualTimeProvider(Start);
        var cloud = new SimulatedCloud(time);
        cloud.EnsureGroup(policy.ScaleGroup, new SimulatedGroupSettings(policy.Catalog, policy.BootDelay, policy.BillingMinimum, policy.InitialFleet));
        var before = (await cloud.GetFleetAsync(policy.ScaleGroup, default)).Fleet;
        var log = new InMemoryDecisionLog();
        var loop = new ServiceLoop(policy, "test", new ServiceLoopDependencies
        {
            Source = new Steady(2000),
            Cloud = cloud,
            Log = log,
            Strategy = StrategyRegistry.CreateDefault().Get(policy.Strategy.Name),
            Time = time,
        });

        for (var minute = 1; minute <= 10; minute++)
        {
            time.Set(Start.AddMinutes(minute));
            var tick = await loop.TickAsync(default);
            Assert.NotEqual(before, tick.Decision.Chosen);
            Assert.Equal(ApplyStatus.DryRun, tick.Outcome!.Status);
            Assert.StartsWith("dry-run: would apply ", tick.Outcome.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, (await cloud.GetFleetAsync(policy.ScaleGroup, default)).Fleet);
        Assert.Null((await cloud.GetFleetAsync(policy.ScaleGroup, default)).LastAppliedKey);
    }

    private sealed class Steady(double rps) : IMetricSource
    {
        public string Name => "steady";

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(new KpiReading(now.AddMinutes(-1), new Dictionary<string, double> { [KpiNames.RequestRate] = rps }, SourceHealth.Healthy));
    }
}
