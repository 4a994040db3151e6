using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Cloud.Resilience;
using Dso.Cloud.Simulated;
using Dso.Controller.Alerts;
using Dso.Controller.Composition;
using Dso.Controller.Experiments;
using Dso.Controller.Health;
using Dso.Controller.Storage;
using Dso.Controller.Web;
using Dso.Controller.Web.Access;
using Dso.DecisionLog;
using Dso.DecisionLog.Experiments;
using Dso.Ingestion;
using Dso.Reconcile;
using Dso.Reconcile.Providers;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = FindContentRoot() });
        builder.Configuration.AddJsonFile(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json"), optional: true, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables("DSO_");
        builder.Configuration.AddCommandLine(args);
        builder.Services.AddOptions<DsoOptions>().Bind(builder.Configuration.GetSection(DsoOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DsoOptions>>(
            new ListenCertificateValidator(builder.Configuration, builder.Environment.ContentRootPath)));
        var dso = builder.Configuration.GetSection(DsoOptions.Section).Get<DsoOptions>() ?? new DsoOptions();
        var dataDirectory = Path.GetFullPath(dso.DataDirectory, builder.Environment.ContentRootPath);
        var policiesPath = Path.GetFullPath(dso.PoliciesPath, builder.Environment.ContentRootPath);
        var modelsDirectory = Path.GetFullPath(dso.ModelsDirectory, builder.Environment.ContentRootPath);
        builder.Services.PostConfigure<DsoOptions>(o =>
        {
            o.DataDirectory = dataDirectory;
            o.PoliciesPath = policiesPath;
            o.ModelsDirectory = modelsDirectory;
        });
        builder.WebHost.UseUrls(dso.Listen);

        var time = AcceleratedTimeProvider.Create(TimeProvider.System, dso.ClockSpeed, dataDirectory);
        builder.Services.AddSingleton(new ServiceClock(time, dso.ClockSpeed));
        builder.Services.AddDecisionStore(builder.Configuration, dataDirectory);
        builder.Services.AddSingleton(sp => new Dso.Reconcile.Approvals.ApprovalDesk(
            sp.GetRequiredService<Dso.Abstractions.Approvals.IApprovalQueue>(), sp.GetRequiredService<IDecisionLog>(), time));
        builder.Services.AddOptions<CloudResilienceOptions>().Bind(builder.Configuration.GetSection(CloudResilienceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<CloudRateLimitOptions>().Bind(builder.Configuration.GetSection(CloudRateLimitOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.Providers.All(p => p.Value.PermitsPerSecond is >= 0 and <= 10_000 && p.Value.Burst >= 1 && p.Value.QueueLimit >= 0),
                "Cloud:RateLimits:Providers:{name}: PermitsPerSecond must be 0-10000 (0: no limit), Burst at least 1, QueueLimit at least 0")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new CloudRateLimiters(sp.GetRequiredService<IOptions<CloudRateLimitOptions>>().Value));
        // Every provider a policy names gets the same decorators: metrics per attempt, inside retries, timeout and
        // a circuit breaker of its own (one service's failing group does not trip another's).
        // SimulatedCloud:CapacityLimits caps what the simulated cloud can launch per type (insufficient-capacity drills).
        builder.Services.AddOptions<SimulatedCloudOptions>().Bind(builder.Configuration.GetSection(SimulatedCloudOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var capacityLimits = (builder.Configuration.GetSection(SimulatedCloudOptions.Section).Get<SimulatedCloudOptions>() ?? new SimulatedCloudOptions()).Limits();
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
        builder.Services.AddOptions<AlertOptions>().Bind(builder.Configuration.GetSection(AlertOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
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
        // Every ValidateOnStart option now, before the host starts: a bad setting then reaches Program as one line,
        // instead of the host logging it with a stack trace first.
        app.Services.GetService<IStartupValidator>()?.Validate();
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

    /// <summary>The repository root when run from a clone (so policies/ and appsettings.json are found), else the working directory.</summary>
    private static string FindContentRoot()
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
