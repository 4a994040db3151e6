using Dso.Cloud.Resilience;
using Dso.Cloud.Simulated;
using Dso.Controller.Alerts;
using Dso.Controller.Hosting;
using Dso.Controller.Storage;
using Dso.Controller.Web.Access;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Settings;

/// <summary>
/// Every settings section the service validates at start, registered in one place: the host adds them to its
/// services and <c>dso validate</c> to an otherwise empty container, so both run the same validators on the same
/// configuration and <c>validate</c> rejects exactly what the service would.
/// </summary>
internal static class ServiceSettings
{
    public static IServiceCollection AddServiceSettings(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddSection<DsoOptions>(configuration, DsoOptions.Section).ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure(o => ResolvePaths(o, contentRoot));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DsoOptions>>(new ListenCertificateValidator(configuration, contentRoot)));
        services.AddSection<CloudResilienceOptions>(configuration, CloudResilienceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSection<CloudRateLimitOptions>(configuration, CloudRateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CloudRateLimitOptions>, CloudRateLimitOptionsValidator>());
        services.AddSection<SimulatedCloudOptions>(configuration, SimulatedCloudOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSection<IngestionOptions>(configuration, IngestionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSection<AlertOptions>(configuration, AlertOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSection<DecisionLogOptions>(configuration, DecisionLogOptions.Section)
            .PostConfigure(o => o.ConnectionString ??= configuration.GetConnectionString("DecisionLog"))
            .Validate(o => o.Provider != DecisionLogOptions.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "DecisionLog:Provider is 'postgres' but no connection string is set (DecisionLog:ConnectionString, DSO_DecisionLog__ConnectionString or ConnectionStrings:DecisionLog)")
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSection<AccessOptions>(configuration, AccessOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccessOptions>, AccessOptionsValidator>());
        services.AddSingleton(new SettingsSection(LoggingSettings.Section, _ => LoggingSettings.Validate(configuration)));
        return services;
    }

    /// <summary>The service's paths, relative to the content root (the repository root when run from a clone).</summary>
    public static void ResolvePaths(DsoOptions options, string contentRoot)
    {
        options.DataDirectory = Path.GetFullPath(options.DataDirectory, contentRoot);
        options.PoliciesPath = Path.GetFullPath(options.PoliciesPath, contentRoot);
        options.ModelsDirectory = Path.GetFullPath(options.ModelsDirectory, contentRoot);
    }

    /// <summary>
    /// Binds <typeparamref name="T"/> to its section and lists the section for <see cref="SettingsCheck"/>, which
    /// resolves each on its own. A value of the wrong type is left out of the binding and reported as one more
    /// failure, so it hides neither the section's other errors nor another section's.
    /// </summary>
    private static OptionsBuilder<T> AddSection<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, new()
    {
        services.AddSingleton(new SettingsSection(section, sp => _ = sp.GetRequiredService<IOptionsMonitor<T>>().Get(Options.DefaultName)));
        // What Bind registers, with the tolerant binding: reloads of appsettings.json still reach IOptionsMonitor.
        services.AddSingleton<IOptionsChangeTokenSource<T>>(new ConfigurationChangeTokenSource<T>(configuration.GetSection(section)));
        services.AddSingleton<IValidateOptions<T>>(new UnconvertibleSettingsValidator<T>(configuration, section));
        return services.AddOptions<T>().Configure(options => SettingsBinder.Bind(configuration, section, options));
    }
}
