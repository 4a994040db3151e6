namespace Dso.Abstractions.Decisions;

/// <summary>An anomalous KPI value seen in a tick, its shape (spike, level shift...) and what the policy made of it.</summary>
public sealed record AnomalyEvent(string Kpi, double Value, double Score, string Action)
{
    public string Kind { get; init; } = "";
}
