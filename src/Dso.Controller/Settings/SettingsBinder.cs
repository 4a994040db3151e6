using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Settings;

/// <summary>
/// Binds a section as the configuration binder does, except that a value the binder cannot convert
/// (<c>"ClockSpeed": "fast"</c>) is left out, its option keeping its default, instead of ending the binding: the
/// section's validators still run on the rest and report their errors, and <see cref="Unconvertible"/> reports the
/// value itself, at its own key.
/// </summary>
internal static partial class SettingsBinder
{
    /// <summary>The section bound, without its values of the wrong type.</summary>
    public static T Get<T>(IConfiguration configuration, string section)
        where T : class, new()
    {
        var options = new T();
        Bind(configuration, section, options);
        return options;
    }

    /// <summary>Binds <paramref name="options"/> to the section, without its values of the wrong type.</summary>
    public static void Bind<T>(IConfiguration configuration, string section, T options)
        where T : class, new() =>
        Without(configuration, Unconvertible<T>(configuration, section).Select(p => p.Key)).GetSection(section).Bind(options);

    /// <summary>
    /// Every value of the section the binder cannot convert, as <c>Key: 'value' cannot be read as Type</c>. The binder
    /// stops at the first, so each is found by binding again without the ones found before it.
    /// </summary>
    public static IReadOnlyList<(string Key, string Problem)> Unconvertible<T>(IConfiguration configuration, string section)
        where T : class, new()
    {
        var found = new List<(string Key, string Problem)>();
        while (true)
        {
            try
            {
                // A fresh instance each time: binding again into the same one would add a list's items twice.
                Without(configuration, found.Select(p => p.Key)).GetSection(section).Bind(new T());
                return found;
            }
            catch (InvalidOperationException ex) when (Conversion(ex) is { } conversion
                && !found.Any(p => string.Equals(p.Key, conversion.Key, StringComparison.OrdinalIgnoreCase)))
            {
                found.Add(conversion);
            }
        }
    }

    /// <summary>The key and <c>'value' cannot be read as Type</c> of the binder's error for a value of the wrong type, else null.</summary>
    public static (string Key, string Problem)? Conversion(InvalidOperationException ex)
    {
        if (ConversionMessage().Match(ex.Message) is not { Success: true } match)
        {
            return null;
        }

        var type = match.Groups["type"].Value;
        return (match.Groups["key"].Value, $"'{match.Groups["value"].Value}' cannot be read as {type[(type.LastIndexOf('.') + 1)..]}");
    }

    /// <summary>
    /// <paramref name="configuration"/> without <paramref name="keys"/> (nor anything below them). A copy of the values
    /// the configuration gives, which bind alike; a null over a key would not do: the binder reads it as the type's default.
    /// </summary>
    private static IConfiguration Without(IConfiguration configuration, IEnumerable<string> keys)
    {
        var left = keys.ToList();
        return left.Count == 0 ? configuration
            : new ConfigurationBuilder().AddInMemoryCollection(configuration.AsEnumerable()
                .Where(p => !left.Any(key => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)
                    || p.Key.StartsWith(key + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase)))).Build();
    }

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'\.$", RegexOptions.Singleline)]
    private static partial Regex ConversionMessage();
}
