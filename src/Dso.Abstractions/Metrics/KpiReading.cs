namespace Dso.Abstractions.Metrics;

/// <summary>KPI values at <paramref name="Timestamp"/>, or why there are none.</summary>
public sealed record KpiReading(DateTimeOffset Timestamp, IReadOnlyDictionary<string, double> Values, SourceHealth Health, string? Problem = null)
{
    public static KpiReading Unavailable(DateTimeOffset timestamp, string problem) =>
        new(timestamp, new Dictionary<string, double>(), SourceHealth.Down, problem);

    public bool TryGet(string kpi, out double value) => Values.TryGetValue(kpi, out value) && double.IsFinite(value);
}
