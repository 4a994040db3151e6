using System.Text.RegularExpressions;

namespace Dso.Controller.Settings;

/// <summary>
/// One setting the service would refuse at start: <see cref="Message"/> in the validator's own words (the service's
/// one-line reason), <see cref="Keys"/> the configuration keys it concerns, most specific first, to locate it by.
/// </summary>
internal sealed partial record SettingsProblem(IReadOnlyList<string> Keys, string Message, string Problem)
{
    /// <summary>
    /// A failure of <paramref name="section"/>'s validators. A data-annotation failure names the members; a message
    /// that starts with a key of the section (<c>Alerts:WebhookUrl must be ...</c>) names a more specific one.
    /// </summary>
    public static SettingsProblem FromFailure(string section, string failure)
    {
        var annotation = DataAnnotationFailure().Match(failure);
        var problem = annotation.Success ? annotation.Groups["error"].Value : failure;
        var keys = new List<string>();
        if (LeadingKey(problem) is { } named && named.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase))
        {
            keys.Add(named);
            problem = problem[named.Length..].TrimStart(':', ' ');
        }

        if (annotation.Success)
        {
            keys.AddRange(annotation.Groups["members"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(member => $"{section}:{member}"));
        }

        keys.Add(section);
        return new SettingsProblem(keys.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), failure, problem);
    }

    /// <summary>A value the binder could not convert: its message names the value, the key and the type.</summary>
    public static SettingsProblem FromConversion(string section, InvalidOperationException ex)
    {
        var message = $"{ex.Message} ({ex.InnerException?.Message.ReplaceLineEndings(" ")})";
        if (Conversion().Match(ex.Message) is not { Success: true } match)
        {
            return new SettingsProblem([section], message, message);
        }

        var type = match.Groups["type"].Value;
        var problem = $"'{match.Groups["value"].Value}' cannot be read as {type[(type.LastIndexOf('.') + 1)..]}";
        return new SettingsProblem([match.Groups["key"].Value, section], message, problem);
    }

    /// <summary>The binder's message for a value of the wrong type, as <see cref="FromConversion"/> takes it.</summary>
    public static bool IsConversion(InvalidOperationException ex) => ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal);

    private static string? LeadingKey(string message)
    {
        var end = message.IndexOf(' ', StringComparison.Ordinal);
        var token = (end < 0 ? message : message[..end]).TrimEnd(':');
        return token.Contains(':') && !token.Contains('{') ? token : null;
    }

    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '(?<members>[^']*)' with the error: '(?<error>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'\.$", RegexOptions.Singleline)]
    private static partial Regex Conversion();
}
