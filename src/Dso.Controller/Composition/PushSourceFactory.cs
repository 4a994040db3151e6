using Dso.Abstractions.Metrics;
using Dso.Ingestion;
using Dso.Ingestion.Prometheus;
using Dso.Ingestion.Push;
using Dso.Ingestion.Store;

namespace Dso.Controller.Composition;

/// <summary>
/// <c>metrics.source: push</c>: KPIs arrive on <c>POST /api/v1/push/{service}</c> into the series store; the source
/// reads the newest of each. <c>options.stale_after</c> (default 2m) is how old a value may be and still count,
/// in wall-clock time (see <see cref="PushTimeline"/>);
/// <c>options.backfill</c> (default 24h) is how much stored history a cold loop is offered.
/// </summary>
internal sealed class PushSourceFactory(ISeriesStore store, PushTimeline timeline) : IMetricSourceFactory
{
    public string Name => PushMetricSource.SourceName;

    public IMetricSource Create(string service, IReadOnlyDictionary<string, string> options, IReadOnlyDictionary<string, string> queries)
    {
        var staleAfter = PushMetricSource.DefaultStaleAfter;
        if (options.TryGetValue("stale_after", out var text) && !(DurationText.TryParse(text, out staleAfter) && staleAfter > TimeSpan.Zero && staleAfter <= TimeSpan.FromDays(1)))
        {
            throw new InvalidOperationException($"service '{service}': metrics.options.stale_after must be a positive duration of at most 1d like 90s or 2m (was '{text}')");
        }

        var backfill = PushMetricSource.DefaultBackfillWindow;
        if (options.TryGetValue("backfill", out var window) && !(DurationText.TryParse(window, out backfill) && backfill <= PrometheusSourceOptions.MaxBackfill))
        {
            throw new InvalidOperationException($"service '{service}': metrics.options.backfill must be a duration of at most {Dso.Abstractions.DurationFormat.Shortest(PrometheusSourceOptions.MaxBackfill)} like 24h (was '{window}')");
        }

        return new PushMetricSource(store, queries.Keys.ToArray(), staleAfter, backfill) { Timeline = timeline };
    }
}
