namespace Dso.Ingestion.Prometheus;

/// <summary>One series of a query result: its labels (for messages) and its points as (Unix ms, value).</summary>
internal sealed record PrometheusSeries(string Labels, IReadOnlyList<(long TimeMs, double Value)> Points);
