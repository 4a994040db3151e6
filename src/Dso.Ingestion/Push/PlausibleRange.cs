using System.Globalization;
using Dso.Abstractions.Metrics;

namespace Dso.Ingestion.Push;

/// <summary>
/// The values a KPI can really take. A sample outside is an exporter bug or a unit mix-up (bytes for requests, ns for
/// ms), refused at the door with a 422 naming it, so it never reaches the detectors, the forecaster or the budget.
/// </summary>
public sealed record PlausibleRange(double Min, double Max)
{
    /// <summary>Ten times the largest single services on the internet: a million rps passes with room to spare.</summary>
    public const double MaxRequestRate = 1e8;

    /// <summary>Any KPI without its own range: wide enough for money-like business KPIs, far from overflowing anything.</summary>
    public static readonly PlausibleRange Default = new(-1e15, 1e15);

    public static IReadOnlyDictionary<string, PlausibleRange> Defaults { get; } = new Dictionary<string, PlausibleRange>(StringComparer.Ordinal)
    {
        [KpiNames.RequestRate] = new(0, MaxRequestRate),
        [KpiNames.LatencyP95Ms] = new(0, 3_600_000),
        [KpiNames.ErrorRate] = new(0, MaxRequestRate),
        [KpiNames.Cpu] = new(0, 1e6),
        [KpiNames.QueueLength] = new(0, 1e12),
        [KpiNames.ConversionRate] = new(0, 1e6),
    };

    public bool Contains(double value) => value >= Min && value <= Max;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Min:G6}, {Max:G6}]");
}
