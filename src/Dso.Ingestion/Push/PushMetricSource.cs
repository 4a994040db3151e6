using System.Globalization;
using Dso.Abstractions.Metrics;
using Dso.Ingestion.Store;

namespace Dso.Ingestion.Push;

/// <summary>
/// Feeds a loop from what clients pushed: the newest value of each KPI, if it is recent. A KPI that stopped
/// arriving is stale, not zero; with nothing recent at all the source is Down and the loop holds.
/// </summary>
public sealed class PushMetricSource(ISeriesStore store, IReadOnlyCollection<string> declaredKpis, TimeSpan staleAfter, TimeSpan? backfillWindow = null)
    : IMetricSource, IHistoricalMetricSource
{
    public const string SourceName = "push";
    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan DefaultBackfillWindow = TimeSpan.FromHours(24);

    public string Name => SourceName;

    public TimeSpan StaleAfter => staleAfter;

    /// <summary>
    /// Maps service-clock ages to wall-clock ages: <c>stale_after</c> is wall time, like the pushes it waits for
    /// (a client pushing every 30 s is fresh at any clock speed). Identity unless the service clock runs faster.
    /// </summary>
    public PushTimeline? Timeline { get; init; }

    /// <summary>What the store restored from its snapshot (and what arrived since) covers at most this far back at full use.</summary>
    public TimeSpan BackfillWindow { get; } = backfillWindow ?? DefaultBackfillWindow;

    /// <summary>
    /// Without declared KPIs, one that stopped arriving this long ago (ten <c>stale_after</c>, at least an hour) is no
    /// longer part of the service's feed: a probe pushed once must not mark the source degraded for ever. The request
    /// rate, which the loop scales on, is always read.
    /// </summary>
    public TimeSpan ForgetAfter => TimeSpan.FromTicks(Math.Max(TimeSpan.FromHours(1).Ticks, Math.Min(staleAfter.Ticks, TimeSpan.MaxValue.Ticks / 10) * 10));

    public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var kpis = declaredKpis.Count > 0 ? declaredKpis : store.Kpis(service).Where(k => k == KpiNames.RequestRate
            || !store.TryGetLatest(service, k, out var last) || WallAge(now - last.Timestamp) <= ForgetAfter).ToList();
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var problems = new List<string>();
        var newest = DateTimeOffset.MinValue;
        foreach (var kpi in kpis)
        {
            if (!store.TryGetLatest(service, kpi, out var point))
            {
                problems.Add($"'{kpi}' was never pushed");
            }
            else if (WallAge(now - point.Timestamp) > staleAfter)
            {
                problems.Add($"'{kpi}' is stale (last pushed {Age(WallAge(now - point.Timestamp))} ago)");
            }
            else
            {
                values[kpi] = point.Value;
                newest = point.Timestamp > newest ? point.Timestamp : newest;
            }
        }

        if (values.Count == 0)
        {
            var why = kpis.Count == 0 ? "nothing was ever pushed" : string.Join("; ", problems);
            return Task.FromResult(KpiReading.Unavailable(now, $"no samples pushed for '{service}' in the last {Age(staleAfter)}: {why}"));
        }

        return Task.FromResult(problems.Count == 0
            ? new KpiReading(newest, values, SourceHealth.Healthy)
            : new KpiReading(newest, values, SourceHealth.Degraded, string.Join("; ", problems)));
    }

    /// <summary>The stored history, one reading per step (the mean of the samples in it); empty steps are left out.</summary>
    public Task<IReadOnlyList<KpiReading>> BackfillAsync(string service, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        var kpis = declaredKpis.Count > 0 ? declaredKpis : store.Kpis(service);
        var steps = new SortedDictionary<long, Dictionary<string, (double Sum, int Count)>>();
        foreach (var kpi in kpis)
        {
            foreach (var point in store.Range(service, kpi, from, to))
            {
                var slot = (point.Timestamp - from).Ticks / step.Ticks;
                if (!steps.TryGetValue(slot, out var slotValues))
                {
                    steps[slot] = slotValues = new Dictionary<string, (double, int)>(StringComparer.Ordinal);
                }

                var (sum, count) = slotValues.GetValueOrDefault(kpi);
                slotValues[kpi] = (sum + point.Value, count + 1);
            }
        }

        var readings = steps.Select(s =>
        {
            var values = s.Value.ToDictionary(v => v.Key, v => v.Value.Sum / v.Value.Count, StringComparer.Ordinal);
            var missing = kpis.Where(k => !values.ContainsKey(k)).ToArray();
            return missing.Length == 0
                ? new KpiReading(from + (step * s.Key), values, SourceHealth.Healthy)
                : new KpiReading(from + (step * s.Key), values, SourceHealth.Degraded, $"no samples of {string.Join(", ", missing)}");
        }).ToArray();
        return Task.FromResult<IReadOnlyList<KpiReading>>(readings);
    }

    private TimeSpan WallAge(TimeSpan serviceAge) => Timeline?.ToWall(serviceAge) ?? serviceAge;

    private static string Age(TimeSpan age) => age.TotalSeconds < 120
        ? $"{age.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}s"
        : $"{age.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)}m";
}
