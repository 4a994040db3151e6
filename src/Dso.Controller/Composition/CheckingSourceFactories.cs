using Dso.Ingestion;
using Dso.Ingestion.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dso.Controller.Composition;

/// <summary>
/// The service's metric-source factories with throwaway dependencies (an empty store, no cloud), for the
/// commands that check a policy without running the service: the factories' own option checks are the ones the
/// service runs.
/// </summary>
internal static class CheckingSourceFactories
{
    public static IReadOnlyList<IMetricSourceFactory> Create() =>
    [
        new SyntheticSourceFactory(service => (null, service)),
        new TraceSourceFactory(),
        new PrometheusSourceFactory(NullLoggerFactory.Instance),
        new PushSourceFactory(new SeriesStore(new SeriesStoreOptions()), Dso.Ingestion.Push.PushTimeline.Identity(TimeProvider.System)),
    ];
}
