namespace Dso.Integration.Tests.Push;

/// <summary>Three services: one push service with declared KPIs, one taking any KPI, and one that is not a push service.</summary>
internal static class PushPolicies
{
    public const string ShopToken = "shop-7f3a9c1e-token";
    public const string OpenToken = "open-b21d44-token";
    public const string SynthToken = "synth-token";
    public const string GhostToken = "ghost-token";

    public static readonly string[] Settings =
    [
        "--Dso:ClockSpeed=1",
        $"--Ingestion:PushTokens:shop={ShopToken}",
        $"--Ingestion:PushTokens:open={OpenToken}",
        $"--Ingestion:PushTokens:synth={SynthToken}",
        $"--Ingestion:PushTokens:ghost={GhostToken}",
        "--Ingestion:MaxSamplesPerBatch=1000",
        "--Ingestion:MaxBodyBytes=131072",
    ];

    public static string Yaml => Service("shop", "push", """
              queries:
                request_rate: http_rps
                latency_p95_ms: latency_p95_ms
                conversion_rate: conversion_rate
        """) + Service("open", "push", "") + Service("synth", "synthetic", "");

    public static string Write(string directory)
    {
        var policies = Path.Combine(directory, "policies");
        Directory.CreateDirectory(policies);
        File.WriteAllText(Path.Combine(policies, "services.yaml"), "services:\n" + Yaml);
        return policies;
    }

    /// <summary>One small target-tracking service; <paramref name="metricsExtra"/> goes under <c>metrics:</c> as is.</summary>
    public static string Service(string name, string source, string metricsExtra, string tick = "1s") => $"""
          - name: {name}
            provider: simulated
            scale_group: {name}-web
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
            initial_fleet: {"{"}small: 4{"}"}
            metrics:
              source: {source}
        {metricsExtra}
            strategy:
              name: target-tracking
              parameters:
                target_utilization: 0.7

        """;
}
