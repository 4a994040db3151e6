using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Cloud.Resilience;
using Dso.Cloud.Simulated;
using Dso.Controller.Alerts;
using Dso.Controller.Composition;
using Dso.Controller.Experiments;
using Dso.Controller.Health;
using Dso.Controller.Settings;
using Dso.Controller.Storage;
using Dso.Controller.Web;
using Dso.Controller.Web.Access;
using Dso.DecisionLog;
using Dso.DecisionLog.Experiments;
using Dso.Ingestion;
using Dso.Reconcile;
using Dso.Reconcile.Providers;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Options;
using Quartz;

namespace Dso.Controller.Hosting;

/// <summary>
/// Composes the long-running service: options, the decision log, cloud adapters, metric sources, the loop
/// registry, Quartz scheduling, the policy reloader and the HTTP endpoints.
/// </summary>
internal static class ServiceHost
{
    public static WebApplication Build(string[] args)
    {
        var builder = CreateBuilder(args);
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddServiceSettings(builder.Configuration, contentRoot);
        // Without its values of the wrong type, which the start-up check reports with every other error.
        var dso = SettingsBinder.Get<DsoOptions>(builder.Configuration, DsoOptions.Section);
        ServiceSettings.ResolvePaths(dso, contentRoot);
        var (dataDirectory, modelsDirectory) = (dso.DataDirectory, dso.ModelsDirectory);
        builder.WebHost.UseUrls(dso.Listen);

        var time = AcceleratedTimeProvider.Create(TimeProvider.System, dso.ClockSpeed, dataDirectory);
        builder.Services.AddSingleton(new ServiceClock(time, dso.ClockSpeed));
        builder.Services.AddDecisionStore(builder.Configuration, dataDirectory);
        builder.Services.AddSingleton(sp => new Dso.Reconcile.Approvals.ApprovalDesk(
            sp.GetRequiredService<Dso.Abstractions.Approvals.IApprovalQueue>(), sp.GetRequiredService<IDecisionLog>(), time));
        builder.Services.AddSingleton(sp => new CloudRateLimiters(sp.GetRequiredService<IOptions<CloudRateLimitOptions>>().Value));
        // Every provider a policy names gets the same decorators: metrics per attempt, inside retries, timeout and
        // a circuit breaker of its own (one service's failing group does not trip another's).
        // SimulatedCloud:CapacityLimits caps what the simulated cloud can launch per type (insufficient-capacity drills).
        var capacityLimits = SettingsBinder.Get<SimulatedCloudOptions>(builder.Configuration, SimulatedCloudOptions.Section).Limits();
        builder.Services.AddCloudProviders(time, new SimulatedCloud(time, Path.Combine(dataDirectory, "simulated-cloud.json")) { CapacityLimits = capacityLimits });
        builder.Services.AddSingleton(sp => new CloudProviderRegistry(
            sp.GetServices<ICloudProviderFactory>(),
            [(provider, context) => provider.WithMetrics()
                .WithRateLimit(sp.GetRequiredService<CloudRateLimiters>(), context.Binding.Provider, context.Account)
                .WithResilience(
                sp.GetRequiredService<IOptions<CloudResilienceOptions>>().Value,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<ResilientCloudProvider>())]));
        builder.Services.AddSingleton<IMetricSourceFactory>(sp => new SyntheticSourceFactory(service => sp.GetRequiredService<LoopRegistry>().MeterOf(service)));
        builder.Services.AddSingleton<IMetricSourceFactory, TraceSourceFactory>();
        builder.Services.AddDsoIngestion(builder.Configuration, dataDirectory);
        builder.Services.AddHttpClient();
        builder.Services.AddSingleton<PrometheusLoopObserver>();
        builder.Services.AddSingleton<WebhookAlertObserver>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookAlertObserver>());
        builder.Services.AddSingleton(_ => new ServiceHealthTracker(time));
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddSingleton<IExperimentStore>(sp => (IExperimentStore)sp.GetRequiredService<IDecisionStore>());
        builder.Services.AddSingleton<ExperimentHost>();
        builder.Services.AddSingleton<ILoopObserver>(sp => new CompositeLoopObserver(
            [sp.GetRequiredService<PrometheusLoopObserver>(), sp.GetRequiredService<WebhookAlertObserver>(), sp.GetRequiredService<ServiceHealthTracker>(),
             new ExperimentObserver(sp.GetRequiredService<ExperimentHost>())]));
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ForecastModels>(sp, modelsDirectory));
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<LoopRegistry>(sp, time));
        builder.Services.AddSingleton(sp => new PolicyAdmission(sp.GetServices<IMetricSourceFactory>(), time));
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PolicyReloader>(sp, sp.GetRequiredService<ServiceClock>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PolicyReloader>());
        builder.Services.AddDsoAccess(builder.Configuration, dataDirectory);
        builder.Services.AddOpenApi();
        builder.Services.AddQuartz();
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

        // The framework reads the log levels while the host is built; a bad one would stop it there with a stack trace.
        LoggingSettings.ThrowIfAny(builder.Configuration);
        var app = builder.Build();
        Endpoints.Map(app);
        return app;
    }

    /// <summary>
    /// Runs the service until it is stopped, holding the data directory's lock the whole time; a second controller on
    /// the same data directory gets a one-line reason and exit code 3 instead of starting.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        await using var app = Build(args);
        // Every setting now, before the host starts, all sections at once (as `dso validate` checks them): a bad setting
        // then reaches Program as one line, instead of the host logging it with a stack trace first.
        SettingsCheck.ThrowIfAny(app.Services, new SettingsSources((IConfigurationRoot)app.Configuration, path => path));
        DataDirectoryLock held;
        try
        {
            held = DataDirectoryLock.Acquire(app.Services.GetRequiredService<IOptions<DsoOptions>>().Value.DataDirectory);
        }
        catch (DataDirectoryLockedException ex)
        {
            await Console.Error.WriteLineAsync($"dso: {ex.Message}");
            return 3;
        }

        using (held)
        {
            await app.RunAsync(ct);
        }

        return 0;
    }

    /// <summary>
    /// The host's builder and configuration: the framework's defaults (<c>appsettings.json</c> and
    /// <c>appsettings.{Environment}.json</c> from the content root, environment variables, the arguments), then
    /// <c>appsettings.json</c> again, <c>DSO_</c> environment variables and the arguments over them. <c>dso validate
    /// --settings FILE</c> passes FILE, which then stands in for <c>appsettings.json</c> in both places, its
    /// directory for the content root; nothing is started.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, string? settingsFile = null)
    {
        var settings = settingsFile is null ? null : Path.GetFullPath(settingsFile);
        var contentRoot = settings is null ? FindContentRoot() : Path.GetDirectoryName(settings)!;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });
        settings ??= Path.Combine(contentRoot, "appsettings.json");
        if (Path.GetFileName(settings) != "appsettings.json")
        {
            var sources = ((IConfigurationBuilder)builder.Configuration).Sources;
            var framework = sources.ToList().FindIndex(s => s is JsonConfigurationSource { Path: "appsettings.json" });
            if (framework >= 0)
            {
                var replacement = new JsonConfigurationSource { Path = settings, Optional = true };
                replacement.ResolveFileProvider();
                sources[framework] = replacement;
            }
        }

        builder.Configuration.AddJsonFile(settings, optional: true, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables("DSO_");
        builder.Configuration.AddCommandLine(args);
        return builder;
    }

    /// <summary>The repository root when run from a clone (so policies/ and appsettings.json are found), else the working directory.</summary>
    public static string FindContentRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DsoController.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
