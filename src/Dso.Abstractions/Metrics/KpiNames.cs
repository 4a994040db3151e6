namespace Dso.Abstractions.Metrics;

/// <summary>Well-known KPI names; policies may name any other (business) KPI as well.</summary>
public static class KpiNames
{
    public const string RequestRate = "request_rate";
    public const string LatencyP95Ms = "latency_p95_ms";
    public const string ErrorRate = "error_rate";
    public const string Cpu = "cpu";
    public const string QueueLength = "queue_length";
    public const string ConversionRate = "conversion_rate";
    public const string RevenuePerTransaction = "revenue_per_transaction";
}
