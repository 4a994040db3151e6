using Dso.Abstractions.Metrics;

namespace Dso.Ingestion.Synthetic;

/// <summary>
/// The embedded default's metric source: KPIs of the last complete minute from <see cref="SyntheticKpiGenerator"/>.
/// Latency and errors depend on the capacity the service currently has, which the host supplies.
/// </summary>
public sealed class SyntheticMetricSource(SyntheticKpiGenerator generator, Func<string, DateTimeOffset, double> servingCapacity) : IMetricSource
{
    public const string SourceName = "synthetic";

    public string Name => SourceName;

    public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var minute = new DateTimeOffset(now.UtcDateTime.Ticks - (now.UtcDateTime.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(-1);
        return Task.FromResult(new KpiReading(minute, generator.Kpis(minute, servingCapacity(service, minute)), SourceHealth.Healthy));
    }
}
