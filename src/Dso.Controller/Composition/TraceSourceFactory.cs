using Dso.Abstractions.Metrics;
using Dso.Ingestion;
using Dso.Ingestion.Trace;

namespace Dso.Controller.Composition;

/// <summary>Replays a CSV trace in the service (<c>metrics.options.path</c>), e.g. to rehearse a policy on history.</summary>
internal sealed class TraceSourceFactory : IMetricSourceFactory
{
    public string Name => TraceMetricSource.SourceName;

    public IMetricSource Create(string service, IReadOnlyDictionary<string, string> options, IReadOnlyDictionary<string, string> queries)
    {
        if (!options.TryGetValue("path", out var path))
        {
            throw new InvalidOperationException($"service '{service}': metrics.options.path is required for the trace source");
        }

        return TraceMetricSource.FromFile(path);
    }
}
