using System.Globalization;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;

namespace Dso.DecisionLog;

/// <summary>
/// The columns analysts filter and chart on, taken out of a decision once at write time so queries never parse
/// the JSON payload. Non-finite numbers (a forecast without a p90) are stored as NULL.
/// </summary>
internal sealed record DecisionRow(
    long TimestampMs,
    double? Demand,
    double? LatencyP95,
    double? ForecastP50,
    double? ForecastP90,
    double? ReadyCapacity,
    double? BilledCapacity,
    double? ReactiveCost,
    int AnomalyCount,
    string? AnomalySummary)
{
    public static DecisionRow From(ScalingDecision d) => new(
        d.Timestamp.ToUnixTimeMilliseconds(),
        Finite(d.Kpis.TryGetValue(KpiNames.RequestRate, out var rps) ? rps : null),
        Finite(d.Kpis.TryGetValue(KpiNames.LatencyP95Ms, out var p95) ? p95 : null),
        Finite(d.Forecast?.P50Peak),
        Finite(d.Forecast?.P90Peak),
        d.ReadyCapacityRps > 0 ? d.ReadyCapacityRps : null,
        d.BilledCapacityRps > 0 ? d.BilledCapacityRps : null,
        d.Alternatives.FirstOrDefault(a => a.Name == "reactive") is { } r ? (double)r.HourlyCost : null,
        d.Anomalies.Count,
        d.Anomalies.Count == 0 ? null : string.Join("; ", d.Anomalies.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Kpi} {a.Kind} {a.Value:0.##} (score {a.Score:0.0}) -> {a.Action}"))));

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
