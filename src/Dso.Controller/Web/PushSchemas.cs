using System.Collections.Concurrent;
using Dso.Controller.Hosting;
using Dso.Ingestion.Push;
using Dso.Policies.Model;

namespace Dso.Controller.Web;

/// <summary>
/// The push schema of each push service in the current policy set, rebuilt only when that service's policy
/// object changes (a reload), so a busy push endpoint does not rebuild lookup tables per request.
/// </summary>
internal sealed class PushSchemas(LoopRegistry loops)
{
    private readonly ConcurrentDictionary<string, (MetricsPolicy Policy, PushSchema Schema)> _cache = new(StringComparer.Ordinal);

    /// <summary>Null when the service has no policy, or its policy does not take pushes.</summary>
    public PushSchema? For(string service)
    {
        var policy = loops.Current.Services.FirstOrDefault(s => s.Name == service);
        if (policy is null || policy.Metrics.Source != PushMetricSource.SourceName)
        {
            return null;
        }

        if (_cache.TryGetValue(service, out var cached) && ReferenceEquals(cached.Policy, policy.Metrics))
        {
            return cached.Schema;
        }

        var schema = new PushSchema(service, policy.Metrics.Queries);
        _cache[service] = (policy.Metrics, schema);
        return schema;
    }
}
