using Dso.Abstractions.Metrics;
using Dso.Policies.Loading;
using Dso.Policies.Model;
using Dso.Reconcile;

namespace Dso.Ingestion.Tests.Fakes;

/// <summary>
/// A service loop on a simulated cloud with a 10 rps/instance catalog: 50 rps needs about 8 instances, so
/// reading an outage as zero demand would visibly scale in to the minimum of 1.
/// </summary>
internal static class TestLoops
{
    public static ServicePolicy Policy(string source, string metricsExtra = "", int initial = 8, int? fallback = null) =>
        new PolicyLoader().Parse([("test.yaml", $$"""
            services:
              - name: shop
                provider: simulated
                scale_group: shop-web
                tick: 1m
                slo:
                  latency_p95_ms: 250
                instance_types:
                  - {name: small, vcpu: 2, memory_gib: 4, price_per_hour: 0.05, capacity_rps: 10}
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
                initial_fleet: {small: {{initial}}}
                metrics:
                  source: {{source}}
            {{metricsExtra}}
            {{(fallback is null ? "" : $"      fallback_instances: {fallback}")}}
                strategy:
                  name: target-tracking
                  parameters:
                    target_utilization: 0.7
            """)]).Services[0];

    public static (ServiceLoop Loop, InMemoryDecisionLog Log) Create(ServicePolicy policy, IMetricSource source, TimeProvider time) =>
        SimulatedLoops.Create(policy, source, time);
}
