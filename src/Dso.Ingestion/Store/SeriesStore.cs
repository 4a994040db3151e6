using System.Collections.Concurrent;
using Dso.Abstractions.Series;

namespace Dso.Ingestion.Store;

/// <summary>
/// The in-memory <see cref="ISeriesStore"/>: a dictionary of services, each a dictionary of KPI series.
/// Public because the host composes it; everything inside is internal.
/// </summary>
public sealed class SeriesStore(SeriesStoreOptions options) : ISeriesStore
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, MemorySeries>> _services = new(StringComparer.Ordinal);
    private int _seriesCount;

    public SeriesStoreOptions Options => options;

    public int SeriesCount => Volatile.Read(ref _seriesCount);

    public AppendStatus Append(string service, string kpi, DateTimeOffset timestamp, double value) =>
        AppendMs(service, kpi, timestamp.ToUnixTimeMilliseconds(), value);

    internal AppendStatus AppendMs(string service, string kpi, long timeMs, double value)
    {
        var series = GetOrCreate(service, kpi);
        return series is null ? AppendStatus.SeriesLimitReached : series.Append(timeMs, value);
    }

    /// <summary>The value stored at exactly this time, while it is still held raw (for naming a conflicting resend).</summary>
    public bool TryGetStored(string service, string kpi, long timeMs, out double value)
    {
        value = double.NaN;
        return _services.TryGetValue(service, out var kpis) && kpis.TryGetValue(kpi, out var series) && series.TryGetStored(timeMs, out value);
    }

    public bool TryGetLatest(string service, string kpi, out TimeSeriesPoint point)
    {
        point = default;
        return _services.TryGetValue(service, out var kpis) && kpis.TryGetValue(kpi, out var series) && series.TryGetLatest(out point);
    }

    public IReadOnlyCollection<string> Kpis(string service) =>
        _services.TryGetValue(service, out var kpis) ? kpis.Keys.Order(StringComparer.Ordinal).ToArray() : [];

    public IReadOnlyList<TimeSeriesPoint> Range(string service, string kpi, DateTimeOffset from, DateTimeOffset to) =>
        _services.TryGetValue(service, out var kpis) && kpis.TryGetValue(kpi, out var series)
            ? series.Range(from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds())
            : [];

    /// <summary>Bytes held by all series' sample arrays (for the memory benchmark and /metrics).</summary>
    public long AllocatedBytes() => _services.Values.SelectMany(k => k.Values).Sum(s => s.AllocatedBytes());

    internal IEnumerable<(string Service, string Kpi, MemorySeries Series)> All() =>
        _services.SelectMany(s => s.Value.Select(k => (s.Key, k.Key, k.Value)));

    internal MemorySeries? GetOrCreate(string service, string kpi)
    {
        var kpis = _services.GetOrAdd(service, static _ => new ConcurrentDictionary<string, MemorySeries>(StringComparer.Ordinal));
        if (kpis.TryGetValue(kpi, out var existing))
        {
            return existing;
        }

        if (kpis.Count >= options.MaxSeriesPerService)
        {
            return null;
        }

        // Reserve a slot before creating, so racing writers can never overshoot the limit.
        if (Interlocked.Increment(ref _seriesCount) > options.MaxSeries)
        {
            Interlocked.Decrement(ref _seriesCount);
            return null;
        }

        var created = new MemorySeries(options);
        var winner = kpis.GetOrAdd(kpi, created);
        if (!ReferenceEquals(winner, created))
        {
            Interlocked.Decrement(ref _seriesCount);
        }

        return winner;
    }
}
