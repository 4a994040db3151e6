using Dso.Abstractions.Catalog;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Controller.Health;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Hosting;

/// <summary>Health tells the truth: each cause (source down, stale data, failing ticks, long holds, a stopped loop) has its state and reason.</summary>
public sealed class ServiceHealthTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromMinutes(1);
    private readonly VirtualTimeProvider _time = new(Start);
    private readonly ServiceHealthTracker _tracker;

    public ServiceHealthTrackerTests() => _tracker = new ServiceHealthTracker(_time);

    [Fact]
    public void Report_BeforeAnyTick_IsDegradedWaiting()
    {
        var health = Single();

        Assert.Equal(HealthState.Degraded, health.State);
        Assert.Contains("first tick", health.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void OnTick_FreshHealthyDecision_IsOk()
    {
        _tracker.OnTick(Result(held: false, new KpiReading(Start, Rps(100), SourceHealth.Healthy)));

        Assert.Equal(HealthState.Ok, Single().State);
    }

    [Fact]
    public void OnTick_SourceDown_IsDegradedNamingTheSource()
    {
        _tracker.OnTick(Result(held: true, KpiReading.Unavailable(Start, "prometheus at http://127.0.0.1:9 is unreachable: connection refused")));

        var health = Single();
        Assert.Equal(HealthState.Degraded, health.State);
        Assert.StartsWith("source down: prometheus", health.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void OnTick_PushedDataStale_IsDegradedStaleData()
    {
        _tracker.OnTick(Result(held: true, KpiReading.Unavailable(Start, "no samples pushed for 'shop' in the last 2m: 'request_rate' is stale (last pushed 5m ago)")));

        Assert.StartsWith("stale data:", Single().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void OnTick_HeldForManyTicks_IsFailing()
    {
        for (var i = 0; i < ServiceHealthTracker.FailingAfterHeldTicks; i++)
        {
            _tracker.OnTick(Result(held: true, KpiReading.Unavailable(Start, "connection refused")));
        }

        var health = Single();
        Assert.Equal(HealthState.Failing, health.State);
        Assert.Contains($"held for {ServiceHealthTracker.FailingAfterHeldTicks} ticks", health.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void OnTickFailed_ThenGoodTick_FailingWithStageThenOk()
    {
        _tracker.OnTickFailed(new TickFailure("shop", Start, TickStage.Plan, "Value was either too large or too small for a Decimal.", new OverflowException()));
        _tracker.OnTickFailed(new TickFailure("shop", Start, TickStage.Plan, "again", new OverflowException()));
        var failing = Single();
        _tracker.OnTick(Result(held: false, new KpiReading(Start, Rps(100), SourceHealth.Healthy)));

        Assert.Equal(HealthState.Failing, failing.State);
        Assert.Equal("ticks failing: 2 in a row, the last at stage 'plan': again", failing.Reason);
        Assert.Equal(HealthState.Ok, Single().State);
    }

    [Fact]
    public void Report_NoTickForThreeIntervals_IsFailingNotRunning()
    {
        _tracker.OnTick(Result(held: false, new KpiReading(Start, Rps(100), SourceHealth.Healthy)));
        _time.Set(Start + (Tick * (ServiceHealthTracker.MissedTicksBeforeFailing + 1)));

        var health = Single();
        Assert.Equal(HealthState.Failing, health.State);
        Assert.Contains("the loop is not running", health.Reason, StringComparison.Ordinal);
    }

    private ServiceHealth Single() => Assert.Single(_tracker.Report([("shop", Tick)]));

    private static Dictionary<string, double> Rps(double rps) => new() { [KpiNames.RequestRate] = rps };

    private static TickResult Result(bool held, KpiReading reading) => new(
        new ScalingDecision
        {
            Id = "shop@1",
            Service = "shop",
            Timestamp = Start,
            PolicyVersion = "v",
            Kpis = reading.Values,
            Before = Fleet.Of(("small", 2)),
            Chosen = Fleet.Of(("small", 2)),
            ChosenHourlyCost = 0.1m,
            Strategy = held ? "hold" : "target-tracking",
            Reason = held ? "no usable request rate: holding the fleet" : "served",
            Held = held,
        },
        null,
        TimeSpan.Zero,
        0m,
        0m)
    { Source = reading };
}
