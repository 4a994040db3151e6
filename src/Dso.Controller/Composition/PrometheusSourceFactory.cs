using System.Net;
using Dso.Abstractions.Metrics;
using Dso.Ingestion;
using Dso.Ingestion.Prometheus;

namespace Dso.Controller.Composition;

/// <summary>
/// <c>metrics.source: prometheus</c>: the policy's <c>options</c> (url, timeout, retries, backoff, backfill) and
/// <c>queries</c> (PromQL per KPI). One pooled HTTP client for all services, recycled so DNS changes are seen.
/// </summary>
internal sealed class PrometheusSourceFactory(ILoggerFactory loggers) : IMetricSourceFactory, IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AutomaticDecompression = DecompressionMethods.GZip,
    })
    {
        // The resilience pipeline owns timeouts; HttpClient's own would cut across its retries.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public string Name => PrometheusMetricSource.SourceName;

    public IMetricSource Create(string service, IReadOnlyDictionary<string, string> options, IReadOnlyDictionary<string, string> queries)
    {
        var errors = new List<string>();
        var parsed = PrometheusSourceOptions.FromPolicy(service, options, errors);
        if (queries.Count == 0)
        {
            errors.Add($"service '{service}': metrics.queries must give a PromQL query per KPI, at least {KpiNames.RequestRate}");
        }
        else if (!queries.ContainsKey(KpiNames.RequestRate))
        {
            errors.Add($"service '{service}': metrics.queries has no '{KpiNames.RequestRate}' (has: {string.Join(", ", queries.Keys)}); the loop scales on it");
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        }

        return new PrometheusMetricSource(_http, parsed, queries, service, loggers.CreateLogger<PrometheusMetricSource>());
    }

    public void Dispose() => _http.Dispose();
}
