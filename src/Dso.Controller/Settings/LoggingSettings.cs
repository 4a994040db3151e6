using System.Reflection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Settings;

/// <summary>
/// The log levels under <c>Logging</c> (<c>Logging:LogLevel:{category}</c> and <c>Logging:{provider}:LogLevel:{category}</c>),
/// read by the framework while the host is built: a level it cannot parse (<c>Logging:LogLevel:Default=Verbose</c>)
/// stopped the service there with "Configuration value 'Verbose' is not supported." and a stack trace, after
/// <c>dso validate</c> had accepted it. Checked as the framework reads them: a level name in any case, or a number.
/// The console logger's settings too (<c>Logging:Console</c> and its <c>FormatterOptions</c>), which it binds while the
/// host is built: a value of the wrong type stopped the service as "configuration rejected" without a place, and one
/// its setter refuses (<c>MaxQueueLength=0</c>, <c>JsonWriterOptions:MaxDepth=-1</c>) with an unhandled exception.
/// </summary>
internal static class LoggingSettings
{
    public const string Section = "Logging";

    private const string LevelSection = "LogLevel";

    /// <summary>
    /// What the console logger binds, under <c>Logging</c>: its options, and the formatter options every registered
    /// formatter (simple, json, systemd) binds from the same section when the logger is created, whichever is chosen.
    /// </summary>
    private static readonly (string Path, Type Options)[] ConsoleSettings =
    [
        ("Console", typeof(ConsoleLoggerOptions)),
        ("Console:FormatterOptions", typeof(SimpleConsoleFormatterOptions)),
        ("Console:FormatterOptions", typeof(JsonConsoleFormatterOptions)),
    ];

    /// <summary>The console formatters the framework registers (<c>Logging:Console:FormatterName</c>).</summary>
    private static readonly string[] Formatters = [ConsoleFormatterNames.Simple, ConsoleFormatterNames.Json, ConsoleFormatterNames.Systemd];

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

        problems.AddRange(ConsoleProblems(configuration));
        return problems;
    }

    /// <summary>
    /// Each value under the console logger's sections bound on its own onto the options type that reads it, so that a
    /// problem names its key: a value the binder cannot convert, or one the property's setter refuses.
    /// </summary>
    private static IEnumerable<string> ConsoleProblems(IConfiguration configuration)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, type) in ConsoleSettings)
        {
            var section = configuration.GetSection($"{Section}:{path}");
            foreach (var (relative, value) in section.AsEnumerable(makePathsRelative: true))
            {
                if (value is null || relative.StartsWith(LevelSection, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var key = $"{section.Path}:{relative}";
                var one = new ConfigurationBuilder().AddInMemoryCollection([new(relative, value)]).Build();
                string? problem = null;
                try
                {
                    one.Get(type);
                }
                catch (InvalidOperationException)
                {
                    problem = $"{key} must be {Expected(type, relative)} (was '{value}')";
                }
                catch (Exception ex) when (ex is ArgumentException or TargetInvocationException { InnerException: ArgumentException })
                {
                    var refused = (ex as ArgumentException) ?? (ArgumentException)ex.InnerException!;
                    // The framework's setters put the rule in the message or, for MaxQueueLength, in the parameter name.
                    var rule = refused.ParamName is { } name && name.Contains(' ') ? name : refused.Message.Split(" (Parameter")[0];
                    problem = $"{key} is out of range (was '{value}'): {rule.TrimEnd('.')}";
                }

                if (problem is not null && seen.Add(key))
                {
                    yield return problem;
                }
            }
        }

        // An unknown name would silently fall back to the simple formatter: a typo must not change the log format unseen.
        var formatter = configuration[$"{Section}:Console:FormatterName"];
        if (!string.IsNullOrEmpty(formatter) && !Formatters.Contains(formatter, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"{Section}:Console:FormatterName must name a console formatter: {string.Join(", ", Formatters)} (was '{formatter}')";
        }
    }

    /// <summary>What a value of the property at <paramref name="path"/> (relative, ':'-separated) of <paramref name="type"/> must be.</summary>
    private static string Expected(Type type, string path)
    {
        var current = type;
        foreach (var part in path.Split(ConfigurationPath.KeyDelimiter))
        {
            var property = current.GetProperty(part, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return "a value the console logger can read";
            }

            current = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }

        return current.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(current))}"
            : current == typeof(bool) ? "true or false"
            : current == typeof(int) || current == typeof(long) ? "a whole number"
            : $"a {current.Name}";
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
