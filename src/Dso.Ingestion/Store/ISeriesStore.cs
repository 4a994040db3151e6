using Dso.Abstractions.Series;

namespace Dso.Ingestion.Store;

/// <summary>
/// Recent KPI history per (service, KPI), bounded in memory. Written by the push API, read by the push source
/// (latest values) and by backfill (history). Safe for concurrent writers and readers.
/// </summary>
public interface ISeriesStore
{
    AppendStatus Append(string service, string kpi, DateTimeOffset timestamp, double value);

    bool TryGetLatest(string service, string kpi, out TimeSeriesPoint point);

    /// <summary>The KPIs a service has data for.</summary>
    IReadOnlyCollection<string> Kpis(string service);

    /// <summary>Points in [from, to], oldest first; older spans come back as bucket means.</summary>
    IReadOnlyList<TimeSeriesPoint> Range(string service, string kpi, DateTimeOffset from, DateTimeOffset to);
}
