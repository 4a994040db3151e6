using Dso.Forecasting;
using Dso.Reconcile;

namespace Dso.Controller.Hosting;

/// <summary>
/// Connects each service's forecaster to the model registry: the active version is loaded when the loop is
/// created (a corrupt file is refused and the forecaster starts from its seasonal baseline), and every model the
/// forecaster trains is registered and promoted, so a restart resumes with it.
/// </summary>
internal sealed partial class ForecastModels(string modelsDirectory, ILogger<ForecastModels> logger)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _inUse = new(StringComparer.Ordinal);

    /// <summary>
    /// The registry version a service's forecaster was last given. The loop is created (and its forecaster loaded)
    /// before the registry stores it, so the registry reads this afterwards instead of losing the version.
    /// </summary>
    public int? VersionInUse(string service) => _inUse.TryGetValue(service, out var version) ? version : null;

    /// <summary>The forecaster factory for a service; the calendar is loaded by the caller so a bad file rejects the policy.</summary>
    public Func<IDemandForecaster> FactoryFor(string service, EventCalendar events, Func<ServiceLoop?> loop) => () =>
    {
        var registry = new ModelRegistry(modelsDirectory, service);
        var forecaster = DemandForecasters.CreateRetrainable(new ForecasterOptions { Events = events });
        try
        {
            if (registry.Active is { } active)
            {
                forecaster.UseModel(registry.LoadActive());
                _inUse[service] = active.Version;
                SetVersion(loop, active.Version);
                LogLoaded(service, active.Version);
            }
        }
        catch (Exception ex) when (ex is ModelRegistryException or ArgumentException or IOException)
        {
            LogLoadFailed(service, ex.Message);
        }

        forecaster.ModelTrained += model =>
        {
            try
            {
                var manifest = registry.Register(model, policy: service, promote: true);
                _inUse[service] = manifest.Version;
                SetVersion(loop, manifest.Version);
            }
            catch (Exception ex) when (ex is ModelRegistryException or IOException or UnauthorizedAccessException)
            {
                LogSaveFailed(service, ex.Message);
            }
        };
        return forecaster;
    };

    private static void SetVersion(Func<ServiceLoop?> loop, int version)
    {
        if (loop() is { } l)
        {
            l.ModelVersion = version;
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "service {Service}: forecasting with registry model version {Version}")]
    private partial void LogLoaded(string service, int version);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "service {Service}: active forecast model refused ({Problem}); starting from the seasonal baseline")]
    private partial void LogLoadFailed(string service, string problem);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "service {Service}: could not save a trained forecast model: {Problem}")]
    private partial void LogSaveFailed(string service, string problem);
}
