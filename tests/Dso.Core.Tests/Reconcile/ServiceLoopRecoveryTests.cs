using System.Diagnostics;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Metrics;
using Dso.Cloud.Simulated;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

/// <summary>A process killed between logging a decision and applying it (or between applying and recording) loses nothing and acts once.</summary>
public sealed class ServiceLoopRecoveryTests : IDisposable
{
    private readonly TestTraces _dir = new();
    private readonly DateTimeOffset _start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private string LogPath => Path.Combine(_dir.Root, "decisions.db");

    private string CloudPath => Path.Combine(_dir.Root, "cloud.json");

    private static ServicePolicy Policy => DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];

    [Theory]
    [InlineData(CrashPoint.BeforeApply)]
    [InlineData(CrashPoint.AfterApplyBeforeOutcome)]
    public async Task Restart_AfterCrash_KeepsEveryEntryAndAppliesOnce(CrashPoint crash)
    {
        var time = new VirtualTimeProvider(_start);
        var demand = new FixedSource(2000);
        string crashedId;
        using (var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(LogPath)))
        {
            var cloud = NewCloud(time);
            var loop = NewLoop(time, demand, new CrashingCloud(cloud, crash), log);
            time.Set(_start.AddMinutes(1));
            var dead = loop.TickAsync(CancellationToken.None);
            var pending = await log.LastAsync(Policy.Name, CancellationToken.None);
            Assert.NotNull(pending);
            Assert.Null(pending.Outcome);
            Assert.False(dead.IsCompleted);
            crashedId = pending.Decision.Id;
        }

        // "Restart": new cloud client, log and loop over the same files.
        var restartedCloud = NewCloud(time);
        using (var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(LogPath)))
        {
            var loop = NewLoop(time, demand, restartedCloud, log);
            time.Set(_start.AddMinutes(2));
            await loop.TickAsync(CancellationToken.None);

            var records = await log.RecentAsync(Policy.Name, 100, CancellationToken.None);
            // The resumed decision is this tick's: the tick does not decide (and act) a second time.
            Assert.Single(records);
            var resumed = Assert.Single(records, r => r.Decision.Id == crashedId);
            Assert.NotNull(resumed.Outcome);
            var expectedLaunches = resumed.Decision.Chosen.Total - resumed.Decision.Before.Total;
            Assert.True(expectedLaunches > 0);
            Assert.Equal(crash == CrashPoint.BeforeApply ? ApplyStatus.Applied : ApplyStatus.NoChange, resumed.Outcome.Status);

            var fleet = await restartedCloud.GetFleetAsync(Policy.ScaleGroup, CancellationToken.None);
            Assert.Equal(resumed.Decision.Chosen, fleet.Fleet);
        }
    }

    [Fact]
    public async Task Restart_PendingDecisionOlderThanOneTick_IsSupersededAndReDecidedNotReplayed()
    {
        var time = new VirtualTimeProvider(_start);
        string crashedId;
        using (var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(LogPath)))
        {
            var loop = NewLoop(time, new FixedSource(2000), new CrashingCloud(NewCloud(time), CrashPoint.BeforeApply), log);
            time.Set(_start.AddMinutes(1));
            var dead = loop.TickAsync(CancellationToken.None);
            Assert.False(dead.IsCompleted);
            crashedId = (await log.LastAsync(Policy.Name, CancellationToken.None))!.Decision.Id;
        }

        // Down for 10 minutes while demand fell: replaying the old scale-out would be wrong now.
        var cloud = NewCloud(time);
        using (var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(LogPath)))
        {
            var loop = NewLoop(time, new FixedSource(100), cloud, log);
            time.Set(_start.AddMinutes(11));
            var result = await loop.TickAsync(CancellationToken.None);

            var records = await log.RecentAsync(Policy.Name, 100, CancellationToken.None);
            Assert.Equal(2, records.Count);
            var stale = Assert.Single(records, r => r.Decision.Id == crashedId);
            Assert.Equal(ApplyStatus.Failed, stale.Outcome!.Status);
            Assert.StartsWith(ServiceLoop.SupersededPrefix, stale.Outcome.Message);
            Assert.NotEqual(crashedId, result.Decision.Id);
            Assert.DoesNotContain(cloud.Calls(Policy.ScaleGroup), c => c.Key == crashedId);
            var fleet = await cloud.GetFleetAsync(Policy.ScaleGroup, CancellationToken.None);
            Assert.Equal(result.Decision.Chosen, fleet.Fleet);
        }
    }

    private SimulatedCloud NewCloud(TimeProvider time)
    {
        var cloud = new SimulatedCloud(time, CloudPath);
        cloud.EnsureGroup(Policy.ScaleGroup, new SimulatedGroupSettings(Policy.Catalog, Policy.BootDelay, Policy.BillingMinimum, Policy.InitialFleet));
        return cloud;
    }

    private static ServiceLoop NewLoop(TimeProvider time, IMetricSource source, ICloudProvider cloud, SqliteDecisionLog log) =>
        new(Policy, "test", new ServiceLoopDependencies
        {
            Source = source,
            Cloud = cloud,
            Log = log,
            Strategy = Plugins.Strategies.Get(Policy.Strategy.Name),
            Time = time,
        });

    public void Dispose() => _dir.Dispose();

    public enum CrashPoint
    {
        BeforeApply,
        AfterApplyBeforeOutcome,
    }

    private sealed class FixedSource(double rps) : IMetricSource
    {
        public string Name => "fixed";

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(new KpiReading(now.AddMinutes(-1), new Dictionary<string, double> { [KpiNames.RequestRate] = rps }, SourceHealth.Healthy));
    }

    /// <summary>Stands in for the process dying at a chosen point of applying.</summary>
    private sealed class CrashingCloud(ICloudProvider inner, CrashPoint crash) : ICloudProvider
    {
        public string Name => inner.Name;

        public Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken) => inner.GetFleetAsync(scaleGroup, cancellationToken);

        public async Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken)
        {
            if (crash == CrashPoint.AfterApplyBeforeOutcome)
            {
                await inner.ApplyAsync(request, cancellationToken);
            }

            // The process is gone: the tick never continues (an exception would now be caught and logged as a failed outcome).
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
            throw new UnreachableException();
        }
    }
}
