using Dso.Abstractions.Cloud;
using Dso.Abstractions.Metrics;
using Dso.Cloud.Simulated;
using Dso.Controller.Alerts;
using Dso.Controller.Composition;
using Dso.Controller.Health;
using Dso.Optimization;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;
using Dso.Testing;

namespace Dso.Core.Tests.Reconcile;

/// <summary>
/// A terminal cloud error (after the retries) fails the decision with its reason, opens one alert incident (start
/// once, end when the provider takes an apply again) and degrades health; a transient one does neither.
/// </summary>
public sealed class TerminalCloudErrorTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Tick_TerminalApplyError_AlertsOncePerIncidentAndDegradesHealthUntilAnApplyGoesThrough()
    {
        var time = new VirtualTimeProvider(Start);
        var policy = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];
        var cloud = new FailingCloud(new SimulatedCloud(time));
        cloud.Inner.EnsureGroup(policy.ScaleGroup, new SimulatedGroupSettings(policy.Catalog, policy.BootDelay, policy.BillingMinimum, policy.InitialFleet));
        var source = new Steady { Rps = 2000 };
        var loop = new ServiceLoop(policy, "test", new ServiceLoopDependencies
        {
            Source = source,
            Cloud = cloud,
            Log = new InMemoryDecisionLog(),
            Strategy = StrategyRegistry.CreateDefault().Get(policy.Strategy.Name),
            Time = time,
        });
        var incidents = new AlertIncidents();
        var health = new ServiceHealthTracker(time);
        var alerts = new List<Alert>();

        async Task<TickResult> TickAsync(int minute)
        {
            time.Set(Start.AddMinutes(minute));
            var tick = await loop.TickAsync(default);
            health.OnTick(tick);
            alerts.AddRange(incidents.ObserveCloud(tick.Decision.Service, tick.Decision.Timestamp, tick.Decision.Id, tick.CloudError, tick.CloudAnswered));
            return tick;
        }

        cloud.ApplyError = new CloudProviderException("Auto Scaling group 'shop-c7g-large' not found", CloudErrorKind.NotFound);
        for (var minute = 1; minute <= 3; minute++)
        {
            var failed = await TickAsync(minute);
            Assert.Equal(ApplyStatus.Failed, failed.Outcome!.Status);
            Assert.StartsWith("terminal NotFound: applying to scale group", failed.Outcome.Message, StringComparison.Ordinal);
            Assert.Equal(failed.Outcome.Message, failed.CloudError);
            var report = Assert.Single(health.Report([(policy.Name, policy.Tick)]));
            Assert.Equal(HealthState.Degraded, report.State);
            Assert.StartsWith("cloud error: terminal NotFound", report.Reason, StringComparison.Ordinal);
        }

        var start = Assert.Single(alerts);
        Assert.Equal((AlertIncidents.CloudErrorKind, Alert.Start), (start.Kind, start.Phase));
        Assert.Contains("not found", start.Message, StringComparison.Ordinal);

        // A transient failure is retried by the pipeline and by the next tick: no new incident, and it does not end this one.
        cloud.ApplyError = new CloudProviderException("rate exceeded", CloudErrorKind.Throttled);
        var throttled = await TickAsync(4);
        Assert.Null(throttled.CloudError);
        Assert.Single(alerts);

        cloud.ApplyError = null;
        var applied = await TickAsync(5);
        Assert.Equal(ApplyStatus.Applied, applied.Outcome!.Status);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(Alert.End, alerts[1].Phase);
        Assert.Equal(HealthState.Ok, Assert.Single(health.Report([(policy.Name, policy.Tick)])).State);
    }

    private sealed class FailingCloud(SimulatedCloud inner) : ICloudProvider
    {
        public SimulatedCloud Inner => inner;

        public Exception? ApplyError { get; set; }

        public string Name => inner.Name;

        public Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken) => inner.GetFleetAsync(scaleGroup, cancellationToken);

        public Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken) =>
            ApplyError is { } error ? Task.FromException<ApplyResult>(error) : inner.ApplyAsync(request, cancellationToken);
    }

    private sealed class Steady : IMetricSource
    {
        public double Rps { get; set; }

        public string Name => "steady";

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(new KpiReading(now.AddMinutes(-1), new Dictionary<string, double> { [KpiNames.RequestRate] = Rps }, SourceHealth.Healthy));
    }
}
