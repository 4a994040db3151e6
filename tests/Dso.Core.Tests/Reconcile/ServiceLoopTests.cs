using Dso.Abstractions.Metrics;
using Dso.Cloud.Simulated;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

public sealed class ServiceLoopTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private static ServicePolicy Policy => DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];

    [Fact]
    public async Task Tick_SourceDownThenBack_HoldsWithReasonThenDecidesAgain()
    {
        var source = new ScriptedSource();
        var (loop, time, log) = Create(source);
        source.Next = 1500;
        var up = await TickAt(loop, time, 1);
        Assert.True(up.Decision.Chosen.Total > 4);

        source.Next = null;
        for (var minute = 2; minute < 30; minute++)
        {
            var held = await TickAt(loop, time, minute);
            Assert.True(held.Decision.Held);
            Assert.Equal(held.Decision.Before, held.Decision.Chosen);
            Assert.Contains("source down", held.Decision.Reason);
        }

        source.Next = 100;
        var back = await TickAt(loop, time, 30);
        Assert.False(back.Decision.Held);
        Assert.DoesNotContain("no usable request rate", back.Decision.Reason);
        Assert.Equal(100, back.Decision.Kpis["request_rate"]);
        Assert.Equal(30, (await log.RecentAsync(null, 1000, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Tick_FlatZeroAfterTraffic_HoldsForTheGuardSpanThenBelievesIt()
    {
        var source = new ScriptedSource { Next = 1500 };
        var (loop, time, _) = Create(source);
        var peak = (await TickAt(loop, time, 1)).Decision.Chosen;
        source.Next = 0;
        const int hold = 60; // the guard believes zeros after an hour (ZeroTrafficGuard.DefaultHold)
        for (var minute = 2; minute <= 1 + hold; minute++)
        {
            var tick = await TickAt(loop, time, minute);
            Assert.Equal(peak, tick.Decision.Chosen);
            Assert.Contains("exactly zero", tick.Decision.Reason);
        }

        // An hour of zeros is a real outage, not an exporter blip: the planner sees it and scales in.
        TickResult last = null!;
        for (var minute = 2 + hold; minute < 2 + hold + 60; minute++)
        {
            last = await TickAt(loop, time, minute);
            Assert.DoesNotContain("exactly zero", last.Decision.Reason);
        }

        Assert.True(last.Decision.Chosen.Total < peak.Total, $"still {last.Decision.Chosen} an hour after the guard's span, was {peak}");
    }

    [Fact]
    public async Task Tick_FlatZeroAfterTraffic_ZeroTrafficHoldOfADay_StillHeldHoursLater()
    {
        var source = new ScriptedSource { Next = 1500 };
        var policy = Policy with { Metrics = Policy.Metrics with { ZeroTrafficHold = TimeSpan.FromDays(1) } };
        var (loop, time, _) = Create(source, policy);
        var peak = (await TickAt(loop, time, 1)).Decision.Chosen;
        source.Next = 0;
        for (var minute = 2; minute <= 180; minute++)
        {
            var tick = await TickAt(loop, time, minute);
            Assert.Equal(peak, tick.Decision.Chosen);
            Assert.Contains("exactly zero", tick.Decision.Reason);
        }
    }

    [Fact]
    public async Task FirstTick_HistoricalSource_WarmsTheForecasterFromBackfill()
    {
        var source = new HistorySource();
        var (loop, time, log) = Create(source);
        var tick = await TickAt(loop, time, 1);

        Assert.Equal(1, source.BackfillCalls);
        Assert.Contains(log.RecentEvents(10), e => e.Kind == "backfill" && e.Message.StartsWith("1440 past readings"));
        Assert.NotNull(tick.Decision.Forecast);
        Assert.InRange(tick.Decision.Forecast.P50Peak, 700, 1300); // the day's level, not the single live reading of 10 rps
        await TickAt(loop, time, 2);
        Assert.Equal(1, source.BackfillCalls);
    }

    private static async Task<TickResult> TickAt(ServiceLoop loop, VirtualTimeProvider time, int minute)
    {
        time.Set(Start.AddMinutes(minute));
        return await loop.TickAsync(CancellationToken.None);
    }

    private static (ServiceLoop, VirtualTimeProvider, SqliteDecisionLog) Create(IMetricSource source, ServicePolicy? policy = null)
    {
        var time = new VirtualTimeProvider(Start);
        var cloud = new SimulatedCloud(time);
        policy ??= Policy;
        cloud.EnsureGroup(policy.ScaleGroup, new SimulatedGroupSettings(policy.Catalog, policy.BootDelay, policy.BillingMinimum, policy.InitialFleet));
        var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:"));
        var loop = new ServiceLoop(policy, "test", new ServiceLoopDependencies
        {
            Source = source,
            Cloud = cloud,
            Log = log,
            Strategy = Plugins.Strategies.Get(policy.Strategy.Name),
            Time = time,
            DetectorFactory = Plugins.DetectorFactory,
            ForecasterFactory = Plugins.ForecasterFactory,
        });
        return (loop, time, log);
    }

    /// <summary>A day of history at 1000 rps, then a live reading of 10 rps.</summary>
    private sealed class HistorySource : IMetricSource, IHistoricalMetricSource
    {
        public int BackfillCalls { get; private set; }

        public string Name => "history";

        public TimeSpan BackfillWindow => TimeSpan.FromDays(1);

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(new KpiReading(now.AddMinutes(-1), new Dictionary<string, double> { [KpiNames.RequestRate] = 10 }, SourceHealth.Healthy));

        public Task<IReadOnlyList<KpiReading>> BackfillAsync(string service, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
        {
            BackfillCalls++;
            var readings = Enumerable.Range(0, 1440)
                .Select(i => new KpiReading(to.AddMinutes(-1440 + i), new Dictionary<string, double> { [KpiNames.RequestRate] = 1000 + (i % 7) }, SourceHealth.Healthy))
                .ToList();
            return Task.FromResult<IReadOnlyList<KpiReading>>(readings);
        }
    }

    /// <summary>Returns the value set in <see cref="Next"/>, or reports itself down when it is null.</summary>
    private sealed class ScriptedSource : IMetricSource
    {
        public double? Next { get; set; }

        public string Name => "scripted";

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(Next is { } v
                ? new KpiReading(now.AddMinutes(-1), new Dictionary<string, double> { [KpiNames.RequestRate] = v }, SourceHealth.Healthy)
                : KpiReading.Unavailable(now, "source down: connection refused"));
    }
}
