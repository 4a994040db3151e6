using Dso.Controller.Composition;
using Dso.Controller.Web;
using Dso.Ingestion;
using Dso.Ingestion.Push;
using Dso.Ingestion.Store;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Hosting;

/// <summary>
/// Everything KPI ingestion adds to the host: options, the series store (restored from its snapshot when first
/// created), the push path, the prometheus and push source factories, and the snapshot writer.
/// </summary>
internal static partial class IngestionServiceCollectionExtensions
{
    public static IServiceCollection AddDsoIngestion(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.AddSingleton(new IngestionSnapshotPath(Path.Combine(dataDirectory, IngestionOptions.SnapshotFileName)));
        services.AddSingleton(_ => new SeriesJournal(Path.Combine(dataDirectory, IngestionOptions.JournalFileName)));
        services.AddSingleton(sp =>
        {
            var store = new SeriesStore(sp.GetRequiredService<IOptions<IngestionOptions>>().Value.Store());
            var path = sp.GetRequiredService<IngestionSnapshotPath>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SeriesStore));
            try
            {
                LogRestored(logger, SeriesSnapshot.Restore(store, path), path);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or EndOfStreamException)
            {
                // A damaged snapshot costs history, not availability: start empty and say so.
                LogRestoreFailed(logger, path, ex.Message);
            }

            // Then what was pushed after that snapshot: acknowledged samples survive a crash between snapshots.
            var journal = sp.GetRequiredService<SeriesJournal>();
            try
            {
                var (samples, problem) = journal.Replay(store);
                LogReplayed(logger, samples, journal.FilePath);
                if (problem is not null)
                {
                    LogReplayProblem(logger, problem);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogReplayProblem(logger, ex.Message);
            }

            return store;
        });
        services.AddSingleton<ISeriesStore>(sp => sp.GetRequiredService<SeriesStore>());
        services.AddSingleton(sp => sp.GetRequiredService<ServiceClock>().Time is AcceleratedTimeProvider accelerated
            ? accelerated.PushTimeline()
            : PushTimeline.Identity(sp.GetRequiredService<ServiceClock>().Time));
        services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PushIngestor));
            // A failing disk fails every batch: counted each time, logged at most once a minute.
            var lastLogged = -60_000L;
            return new PushIngestor(
                sp.GetRequiredService<SeriesStore>(),
                sp.GetRequiredService<IOptions<IngestionOptions>>().Value.Limits(),
                sp.GetRequiredService<PushTimeline>(),
                sp.GetRequiredService<SeriesJournal>())
            {
                JournalFailed = problem =>
                {
                    StateMetrics.WriteFailures.WithLabels(StateMetrics.PushJournal).Inc();
                    var now = Environment.TickCount64;
                    var last = Interlocked.Read(ref lastLogged);
                    if (now - last >= 60_000 && Interlocked.CompareExchange(ref lastLogged, now, last) == last)
                    {
                        LogJournalFailed(logger, problem);
                    }
                },
            };
        });
        services.AddSingleton<PushAuthenticator>();
        services.AddSingleton<PushSchemas>();
        services.AddSingleton<IMetricSourceFactory, PrometheusSourceFactory>();
        services.AddSingleton<IMetricSourceFactory, PushSourceFactory>();
        services.AddHostedService<IngestionSnapshotService>();
        return services;
    }

    [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "series store: restored {Count} series from {Path}")]
    private static partial void LogRestored(ILogger logger, int count, string path);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Error, Message = "series store: the snapshot {Path} could not be read ({Problem}); starting with no pushed history")]
    private static partial void LogRestoreFailed(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Information, Message = "series store: replayed {Count} pushed sample(s) from the journal {Path}")]
    private static partial void LogReplayed(ILogger logger, int count, string path);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Warning, Message = "series store: the push journal could not be replayed whole: {Problem}")]
    private static partial void LogReplayProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Warning, Message = "push journal: {Problem}")]
    private static partial void LogJournalFailed(ILogger logger, string problem);
}
