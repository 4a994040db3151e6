namespace Dso.Abstractions.Metrics;

/// <summary>
/// Where a service's KPIs come from (a synthetic generator, a replayed trace, Prometheus, the push API).
/// A source that cannot answer says so in <see cref="KpiReading.Health"/> instead of returning zeros:
/// missing data must never look like low demand.
/// </summary>
public interface IMetricSource
{
    string Name { get; }

    /// <summary>The latest value of each KPI the service declares, as of <paramref name="now"/>.</summary>
    Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken);
}
