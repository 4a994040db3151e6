using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Controller.Composition;
using Dso.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dso.Integration.Tests.Prometheus;

/// <summary>The prometheus source against a real Prometheus scraping an exporter with a known rate and latency.</summary>
public sealed class PrometheusSourceIntegrationTests(PrometheusFixture fixture) : IClassFixture<PrometheusFixture>
{
    private IMetricSource Source()
    {
        var policy = Loops.Parse(Loops.PrometheusPolicyYaml(fixture.Server.Url));
        return new PrometheusSourceFactory(NullLoggerFactory.Instance).Create(policy.Name, policy.Metrics.Options, policy.Metrics.Queries);
    }

    [PrometheusFact]
    public async Task ReadAsync_RealPrometheus_RequestRateAndLatencyFromPromQL()
    {
        var source = Source();

        var reading = await Eventually.WaitAsync(
            () => source.ReadAsync("shop", DateTimeOffset.UtcNow, CancellationToken.None),
            r => r.Health == SourceHealth.Healthy && Math.Abs(r.Values[KpiNames.RequestRate] - TestExporter.RequestsPerSecond) < 2.5,
            TimeSpan.FromSeconds(20));

        Assert.True(reading.Health == SourceHealth.Healthy, reading.Problem);
        Assert.InRange(reading.Values[KpiNames.RequestRate], TestExporter.RequestsPerSecond * 0.95, TestExporter.RequestsPerSecond * 1.05);
        Assert.InRange(reading.Values[KpiNames.LatencyP95Ms], TestExporter.P95Ms * 0.95, TestExporter.P95Ms * 1.05);
    }

    [PrometheusFact]
    public async Task TickAsync_LoopOnRealPrometheus_DecidesFromTheKpis()
    {
        var (loop, log) = Loops.Create(Loops.Parse(Loops.PrometheusPolicyYaml(fixture.Server.Url)), Source());

        var result = await loop.TickAsync(CancellationToken.None);

        var decision = result.Decision;
        Assert.False(decision.Held, decision.Reason);
        Assert.InRange(decision.Kpis[KpiNames.RequestRate], 40, 60);
        Assert.InRange(decision.Kpis[KpiNames.LatencyP95Ms], 184, 204);

        // 50 rps at 70% of 10 rps per instance: 8 instances (7.14 rounded up). Computed from the rate the loop saw,
        // since scrape jitter can move it a little either side of 49.
        Assert.Equal(Loops.ExpectedInstances(decision.Kpis[KpiNames.RequestRate]), decision.Chosen.Total);
        Assert.Single(log.Decisions);
    }

    [PrometheusFact]
    public async Task BackfillAsync_RealPrometheus_ReturnsRecentHistoryAtTheStep()
    {
        var source = (IHistoricalMetricSource)Source();
        var now = DateTimeOffset.UtcNow;

        var history = await source.BackfillAsync("shop", now.AddSeconds(-30), now, TimeSpan.FromSeconds(2), CancellationToken.None);

        var complete = history.Where(r => r.Health == SourceHealth.Healthy).ToArray();
        var dump = string.Join("\n", history.Select(r => $"{r.Timestamp:HH:mm:ss} {r.Health} {string.Join(", ", r.Values.Select(v => $"{v.Key}={v.Value:0.##}"))} {r.Problem}"));
        Assert.True(complete.Length > 0, dump);

        // On the step grid and in order; a step Prometheus has no data for is left out, not zero-filled.
        Assert.All(history, r => Assert.Equal(0, (r.Timestamp.ToUnixTimeMilliseconds() - now.AddSeconds(-30).ToUnixTimeMilliseconds()) % 2000));
        Assert.True(history.Zip(history.Skip(1)).All(p => p.First.Timestamp < p.Second.Timestamp), dump);

        // Early steps may cover the warm-up, when the 5s window was not yet full; the newest must be the true rate.
        // ±20 %: on a loaded 2-core box the exporter's increments and the scrapes drift (58.9 rps was seen for 50).
        Assert.True(complete[^1].Values[KpiNames.RequestRate] is > 40 and < 60, dump);
        Assert.All(history, r => Assert.True(!r.Values.TryGetValue(KpiNames.RequestRate, out var v) || v > 0, dump));
    }

    [PrometheusFact]
    public async Task Service_PrometheusSourcedPolicy_DecidesAndItsOwnMetricsAreScraped()
    {
        var host = fixture.Host!;
        var log = host.App.Services.GetRequiredService<IDecisionLog>();

        var decided = await Eventually.WaitAsync(
            async () => (await log.RecentAsync("shop", 50, CancellationToken.None)).FirstOrDefault(r => !r.Decision.Held && r.Decision.Kpis[KpiNames.RequestRate] > 40),
            r => r is not null,
            TimeSpan.FromSeconds(20));
        var up = await Eventually.WaitAsync(() => fixture.Server.QueryAsync("up{job=\"dso\"}"), v => v == 1, TimeSpan.FromSeconds(15));
        var ticks = await Eventually.WaitAsync(() => fixture.Server.QueryAsync("sum(dso_ticks_total{service=\"shop\"})"), v => v > 0, TimeSpan.FromSeconds(15));

        Assert.NotNull(decided);
        Assert.InRange(decided.Decision.Kpis[KpiNames.RequestRate], 40, 60);
        Assert.Equal(1, up);
        Assert.True(ticks > 0, $"Prometheus saw no dso_ticks_total from the controller; its config was:\n{fixture.Server.Config}");
    }
}
