using Microsoft.Extensions.Options;

namespace Dso.Controller.Settings;

/// <summary>
/// The log levels under <c>Logging</c> (<c>Logging:LogLevel:{category}</c> and <c>Logging:{provider}:LogLevel:{category}</c>),
/// read by the framework while the host is built: a level it cannot parse (<c>Logging:LogLevel:Default=Verbose</c>)
/// stopped the service there with "Configuration value 'Verbose' is not supported." and a stack trace, after
/// <c>dso validate</c> had accepted it. Checked as the framework reads them: a level name in any case, or a number.
/// </summary>
internal static class LoggingSettings
{
    public const string Section = "Logging";

    private const string LevelSection = "LogLevel";

    /// <summary>Every log level the framework would refuse, each message starting with its key.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var (key, value) in configuration.GetSection(Section).AsEnumerable())
        {
            var parts = key.Split(ConfigurationPath.KeyDelimiter);
            if (value is null || parts.Length < 3 || !string.Equals(parts[^2], LevelSection, StringComparison.OrdinalIgnoreCase) || value.Length == 0)
            {
                continue;
            }

            if (!Enum.TryParse<LogLevel>(value, ignoreCase: true, out _))
            {
                problems.Add($"{key} must be a log level: {string.Join(", ", Enum.GetNames<LogLevel>())} (was '{value}')");
            }
        }

        return problems;
    }

    /// <summary>For <see cref="SettingsCheck"/>: the problems as one section's validation failure.</summary>
    public static void Validate(IConfiguration configuration)
    {
        if (Problems(configuration) is { Count: > 0 } problems)
        {
            throw new OptionsValidationException(Section, typeof(LoggerFilterOptions), problems);
        }
    }

    /// <summary>
    /// Before the host is built (which reads the levels): the same problems, located as at start, as the host's
    /// one-line rejection instead of the framework's exception.
    /// </summary>
    public static void ThrowIfAny(IConfigurationRoot configuration)
    {
        if (Problems(configuration) is { Count: > 0 } problems)
        {
            var rejected = problems.Select(p => SettingsProblem.FromFailure(Section, p)).ToList();
            var sources = new SettingsSources(configuration, path => path);
            throw new SettingsRejectedException(rejected, rejected.Select(sources.Locate).ToList());
        }
    }
}
