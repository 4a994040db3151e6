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
        services.AddOptions<IngestionOptions>().Bind(configuration.GetSection(IngestionOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(new IngestionSnapshotPath(Path.Combine(dataDirectory, IngestionOptions.SnapshotFileName)));
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

            return store;
        });
        services.AddSingleton<ISeriesStore>(sp => sp.GetRequiredService<SeriesStore>());
        services.AddSingleton(sp => sp.GetRequiredService<ServiceClock>().Time is AcceleratedTimeProvider accelerated
            ? accelerated.PushTimeline()
            : PushTimeline.Identity(sp.GetRequiredService<ServiceClock>().Time));
        services.AddSingleton(sp => new PushIngestor(
            sp.GetRequiredService<SeriesStore>(),
            sp.GetRequiredService<IOptions<IngestionOptions>>().Value.Limits(),
            sp.GetRequiredService<PushTimeline>()));
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
}
