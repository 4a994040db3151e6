using Dso.Abstractions.Metrics;

namespace Dso.Ingestion;

/// <summary>Creates the metric source a policy names (<c>metrics.source</c>), validating its options.</summary>
public interface IMetricSourceFactory
{
    string Name { get; }

    IMetricSource Create(string service, IReadOnlyDictionary<string, string> options, IReadOnlyDictionary<string, string> queries);
}
