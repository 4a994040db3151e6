using Dso.Abstractions.Metrics;
using Dso.Ingestion.Push;
using Dso.Ingestion.Store;

namespace Dso.Ingestion.Tests.Push;

public sealed class PushMetricSourceTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly SeriesStore _store = new(new SeriesStoreOptions());

    private PushMetricSource Source(params string[] declared) => new(_store, declared, TimeSpan.FromMinutes(2));

    [Fact]
    public async Task ReadAsync_NothingPushed_IsDownNotZero()
    {
        var reading = await Source().ReadAsync("shop", Now, CancellationToken.None);

        Assert.Equal(SourceHealth.Down, reading.Health);
        Assert.Empty(reading.Values);
        Assert.Contains("nothing was ever pushed", reading.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_RecentSamples_HealthyWithBusinessKpisPassedThrough()
    {
        _store.Append("shop", "request_rate", Now.AddSeconds(-30), 50);
        _store.Append("shop", "revenue_per_transaction", Now.AddSeconds(-20), 41.5);

        var reading = await Source().ReadAsync("shop", Now, CancellationToken.None);

        Assert.Equal(SourceHealth.Healthy, reading.Health);
        Assert.Equal(50, reading.Values["request_rate"]);
        Assert.Equal(41.5, reading.Values["revenue_per_transaction"]);
        Assert.Equal(Now.AddSeconds(-20), reading.Timestamp);
    }

    [Fact]
    public async Task ReadAsync_OneKpiStale_DegradedAndLeftOut()
    {
        _store.Append("shop", "request_rate", Now.AddMinutes(-10), 50);
        _store.Append("shop", "cpu", Now.AddSeconds(-5), 0.4);

        var reading = await Source().ReadAsync("shop", Now, CancellationToken.None);

        Assert.Equal(SourceHealth.Degraded, reading.Health);
        Assert.False(reading.TryGet("request_rate", out _));
        Assert.Contains("'request_rate' is stale (last pushed 10m ago)", reading.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_DeclaredKpiNeverPushed_Degraded()
    {
        _store.Append("shop", "request_rate", Now.AddSeconds(-5), 50);

        var reading = await Source("request_rate", "latency_p95_ms").ReadAsync("shop", Now, CancellationToken.None);

        Assert.Equal(SourceHealth.Degraded, reading.Health);
        Assert.Contains("'latency_p95_ms' was never pushed", reading.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EverythingStale_Down()
    {
        _store.Append("shop", "request_rate", Now.AddMinutes(-3), 50);

        var reading = await Source().ReadAsync("shop", Now, CancellationToken.None);

        Assert.Equal(SourceHealth.Down, reading.Health);
        Assert.Contains("no samples pushed for 'shop' in the last 2m", reading.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackfillAsync_StoredHistory_OneMeanPerStepAndGapsLeftOut()
    {
        for (var i = 0; i < 60; i++)
        {
            if (i is >= 20 and < 30)
            {
                continue;
            }

            _store.Append("shop", "request_rate", Now.AddMinutes(-60).AddSeconds(i * 60), i);
            _store.Append("shop", "request_rate", Now.AddMinutes(-60).AddSeconds((i * 60) + 30), i + 1);
        }

        var history = await Source().BackfillAsync("shop", Now.AddMinutes(-60), Now, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(50, history.Count);
        Assert.Equal(0.5, history[0].Values["request_rate"]);
        Assert.DoesNotContain(history, r => r.Timestamp == Now.AddMinutes(-40));
        Assert.All(history, r => Assert.Equal(SourceHealth.Healthy, r.Health));
    }
}
