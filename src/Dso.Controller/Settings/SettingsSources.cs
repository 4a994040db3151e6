using System.Collections;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace Dso.Controller.Settings;

/// <summary>
/// Names where a setting comes from: the last configuration provider that holds its key (the one whose value the
/// service binds), as a JSON file's <c>file:line:column</c>, an environment variable or the command line.
/// </summary>
internal sealed class SettingsSources(IConfigurationRoot configuration, Func<string, string> display)
{
    private readonly Dictionary<string, JsonSettingsMap?> _maps = new(StringComparer.Ordinal);

    /// <summary><c>FILE:line:column: Key: problem</c>, or the variable or source instead of the file.</summary>
    public string Describe(SettingsProblem problem)
    {
        var (at, key) = Find(problem);
        return $"{at}: {key}: {problem.Problem}";
    }

    /// <summary><c>FILE:line:column: message</c> in the validator's own words (which name the key), or the variable or source.</summary>
    public string Locate(SettingsProblem problem) => $"{Find(problem).At}: {problem.Message}";

    private (string At, string Key) Find(SettingsProblem problem)
    {
        var providers = configuration.Providers.ToList();
        foreach (var key in problem.Keys)
        {
            for (var i = providers.Count - 1; i >= 0; i--)
            {
                if (providers[i].TryGet(key, out _) || providers[i].GetChildKeys([], key).Any())
                {
                    return (Source(providers[i], SourceAt(i), key), key);
                }
            }
        }

        return ("built-in default", problem.Keys[0]);
    }

    private string Locate(string path, string key) =>
        Map(path)?.Find(key) is { } at ? $"{display(path)}:{at.Line}:{at.Column}" : display(path);

    private string Source(IConfigurationProvider provider, IConfigurationSource? source, string key) => provider switch
    {
        JsonConfigurationProvider json when FullPath(json) is { } path => Locate(path, key),
        EnvironmentVariablesConfigurationProvider => $"environment {Variable((source as EnvironmentVariablesConfigurationSource)?.Prefix ?? "", key)}",
        CommandLineConfigurationProvider => $"command line --{key}",
        _ => provider.ToString() ?? provider.GetType().Name,
    };

    private IConfigurationSource? SourceAt(int index) =>
        configuration is IConfigurationBuilder { Sources: var sources } && sources.Count == configuration.Providers.Count()
            ? sources[index] : null;

    /// <summary>
    /// The variable that set <paramref name="key"/> (or, for a section, one below it), spelled as in the environment:
    /// the provider matches the prefix and the key case-insensitively and reads <c>__</c> as <c>:</c>.
    /// </summary>
    private static string Variable(string prefix, string key)
    {
        var names = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().Select(e => (string)e.Key)
            .Where(name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(name => (Name: name, Key: name[prefix.Length..].Replace("__", ":", StringComparison.Ordinal)))
            .ToList();
        return names.FirstOrDefault(n => string.Equals(n.Key, key, StringComparison.OrdinalIgnoreCase)).Name
            ?? names.Where(n => n.Key.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)).Select(n => n.Name).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? prefix + key.Replace(":", "__", StringComparison.Ordinal);
    }

    private static string? FullPath(JsonConfigurationProvider json) =>
        json.Source.FileProvider?.GetFileInfo(json.Source.Path ?? "").PhysicalPath ?? json.Source.Path;

    private JsonSettingsMap? Map(string path)
    {
        if (!_maps.TryGetValue(path, out var map))
        {
            map = JsonSettingsMap.TryRead(path);
            _maps[path] = map;
        }

        return map;
    }
}
