using Dso.Abstractions.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.Timeout;

namespace Dso.Ingestion.Prometheus;

/// <summary>
/// Runs the policy's PromQL per KPI against the Prometheus HTTP API. Each query must yield one number; a query
/// that fails, returns nothing, several series or NaN leaves its KPI out and says so. If Prometheus cannot be
/// reached the reading is Down with the reason: an outage must never read as zero demand.
/// Instant queries run at Prometheus' own "now" rather than the loop's: Prometheus holds real-time data, and a
/// loop on an accelerated clock (or one a little behind) should still see the latest values.
/// </summary>
public sealed class PrometheusMetricSource : IMetricSource, IHistoricalMetricSource
{
    public const string SourceName = "prometheus";

    // Prometheus refuses range queries of more than 11,000 points per series; stay under it.
    private const int MaxPointsPerRangeQuery = 10_000;

    private readonly PrometheusClient _client;
    private readonly IReadOnlyDictionary<string, string> _queries;
    private readonly ILogger _logger;
    private SourceHealth _lastHealth = SourceHealth.Healthy;

    public PrometheusMetricSource(HttpClient http, PrometheusSourceOptions options, IReadOnlyDictionary<string, string> queries, string service, ILogger? logger = null)
    {
        if (queries.Count == 0)
        {
            throw new ArgumentException($"service '{service}': the prometheus source needs metrics.queries (a PromQL query per KPI)", nameof(queries));
        }

        _logger = logger ?? NullLogger.Instance;
        _queries = queries;
        _client = new PrometheusClient(http, options, PrometheusResilience.Create(options, _logger, service));
        Options = options;
    }

    public string Name => SourceName;

    public PrometheusSourceOptions Options { get; }

    public TimeSpan BackfillWindow => Options.Backfill;

    public async Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(_queries.Select(q => ReadKpiAsync(q.Key, q.Value, cancellationToken))).ConfigureAwait(false);
        var values = results.Where(r => r.Value is not null).ToDictionary(r => r.Kpi, r => r.Value!.Value, StringComparer.Ordinal);
        var problems = results.Where(r => r.Problem is not null).Select(r => $"{r.Kpi}: {r.Problem}").ToArray();
        var unreachable = results.All(r => r.Unreachable);
        var reading = values.Count == 0
            ? KpiReading.Unavailable(now, unreachable
                ? $"prometheus at {Options.Url} is unavailable: {results[0].Problem}"
                : $"prometheus at {Options.Url} returned no usable data: {string.Join("; ", problems)}")
            : new KpiReading(now, values, problems.Length == 0 ? SourceHealth.Healthy : SourceHealth.Degraded, problems.Length == 0 ? null : string.Join("; ", problems));
        Report(service, reading);
        return reading;
    }

    /// <summary>One range query per KPI (chunked under Prometheus' point limit), merged into a reading per step.</summary>
    public async Task<IReadOnlyList<KpiReading>> BackfillAsync(string service, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        var byTime = new SortedDictionary<long, Dictionary<string, double>>();
        foreach (var (kpi, query) in _queries)
        {
            for (var start = from; start <= to; start += step * MaxPointsPerRangeQuery)
            {
                var end = Min(to, start + (step * (MaxPointsPerRangeQuery - 1)));
                var series = await _client.QueryRangeAsync(query, start, end, step, cancellationToken).ConfigureAwait(false);
                if (series.Count != 1)
                {
                    // Several series cannot be one KPI, none means no history: both leave this KPI out.
                    continue;
                }

                foreach (var (timeMs, value) in series[0].Points.Where(p => double.IsFinite(p.Value)))
                {
                    if (!byTime.TryGetValue(timeMs, out var values))
                    {
                        byTime[timeMs] = values = new Dictionary<string, double>(StringComparer.Ordinal);
                    }

                    values[kpi] = value;
                }
            }
        }

        return byTime.Select(t =>
        {
            var missing = _queries.Keys.Where(k => !t.Value.ContainsKey(k)).ToArray();
            var at = DateTimeOffset.FromUnixTimeMilliseconds(t.Key);
            return missing.Length == 0
                ? new KpiReading(at, t.Value, SourceHealth.Healthy)
                : new KpiReading(at, t.Value, SourceHealth.Degraded, $"no data for {string.Join(", ", missing)}");
        }).ToArray();
    }

    private async Task<KpiResult> ReadKpiAsync(string kpi, string query, CancellationToken cancellationToken)
    {
        try
        {
            var series = await _client.QueryAsync(query, cancellationToken).ConfigureAwait(false);
            return series.Count switch
            {
                0 => new KpiResult(kpi, null, "the query returned no series (nothing scraped yet, or the metric is gone)"),
                > 1 => new KpiResult(kpi, null, $"the query returned {series.Count} series ({series[0].Labels}, ...); aggregate it to one, e.g. sum(...)"),
                _ when !double.IsFinite(series[0].Points[0].Value) => new KpiResult(kpi, null, $"the query returned {series[0].Points[0].Value}"),
                _ => new KpiResult(kpi, series[0].Points[0].Value, null),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or PrometheusQueryException)
        {
            var unreachable = ex is HttpRequestException or TimeoutRejectedException || ex is PrometheusQueryException { IsTransient: true };
            var problem = ex is TimeoutRejectedException ? $"no answer within {Options.AttemptTimeout.TotalSeconds}s per attempt" : ex.Message;
            return new KpiResult(kpi, null, unreachable ? $"{problem} (after {Options.Retries + 1} attempts)" : problem, unreachable);
        }
    }

    private void Report(string service, KpiReading reading)
    {
        // Log transitions, not every tick: an hour-long outage is one warning and one recovery, not 60 of each.
        if (reading.Health != SourceHealth.Healthy && reading.Health != _lastHealth)
        {
            PrometheusLog.Unhealthy(_logger, service, reading.Health.ToString(), reading.Problem ?? "");
        }
        else if (reading.Health == SourceHealth.Healthy && _lastHealth != SourceHealth.Healthy)
        {
            PrometheusLog.Recovered(_logger, service, Options.Url);
        }

        _lastHealth = reading.Health;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private sealed record KpiResult(string Kpi, double? Value, string? Problem, bool Unreachable = false);
}
