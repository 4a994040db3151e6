using Dso.Abstractions.Metrics;
using Dso.Policies.Loading;
using Dso.Policies.Model;
using Dso.Reconcile;

namespace Dso.Integration.Tests.Infrastructure;

/// <summary>
/// Policies and loops for the tests. The catalog serves 10 rps per instance, so the exporter's 50 rps needs about
/// 8 instances at 70% target utilization, and an outage misread as zero would scale in to 1.
/// </summary>
internal static class Loops
{
    public const string RateQuery = "sum(rate(http_requests_total[5s]))";
    public const string P95Query = "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5s]))) * 1000";

    public static string PrometheusPolicyYaml(Uri prometheus, string tick = "1m") => $"""
        services:
          - name: shop
            provider: simulated
            scale_group: shop-web
            tick: {tick}
            slo:
              latency_p95_ms: 250
            instance_types:
              - {"{"}name: small, vcpu: 2, memory_gib: 4, price_per_hour: 0.05, capacity_rps: 10{"}"}
            boot_delay: 0s
            billing_minimum: 0s
            budget:
              monthly_usd: 100000
              enforcement: soft
            limits:
              min_instances: 1
              max_instances: 100
              max_step: 50
              scale_down_stabilization: 0s
            initial_fleet: {"{"}small: 8{"}"}
            metrics:
              source: prometheus
              options:
                url: '{prometheus}'
                timeout: 1s
                retries: 1
                backoff: 50ms
              queries:
                request_rate: '{RateQuery}'
                latency_p95_ms: '{P95Query}'
            strategy:
              name: target-tracking
              parameters:
                target_utilization: 0.7
        """;

    /// <summary>
    /// Waits until rate(...[5s]) has a full window of scrapes: with only two samples Prometheus extrapolates over
    /// half an interval at each end and reports about 20/s for a true 50/s. After a restart the first windows can
    /// also read high (57/s seen in CI: a window straddling the gap extrapolates the counter's jump), so warm-up
    /// waits for a reading inside the band on both sides.
    /// </summary>
    public static Task WarmUpAsync(PrometheusServer server) =>
        Eventually.WaitAsync(() => server.QueryAsync(RateQuery), v => v is > 47.5 and < 52.5, TimeSpan.FromSeconds(30));

    /// <summary>What target tracking at 70% of 10 rps per instance must choose for a rate: 50 rps gives 8.</summary>
    public static int ExpectedInstances(double rps) => Math.Max(1, (int)Math.Ceiling((rps / 7.0) - 1e-9));

    public static ServicePolicy Parse(string yaml) => new PolicyLoader().Parse([("test.yaml", yaml)]).Services[0];

    public static (ServiceLoop Loop, InMemoryDecisionLog Log) Create(ServicePolicy policy, IMetricSource source) =>
        SimulatedLoops.Create(policy, source, TimeProvider.System);
}
