using System.Text.RegularExpressions;

namespace Dso.Controller.Settings;

/// <summary>
/// One setting the service would refuse at start: <see cref="Message"/> in the validator's own words, starting with
/// the key (the service's reason at start), <see cref="Problem"/> the same without it (<c>dso validate</c> names the key
/// beside the place), <see cref="Keys"/> the configuration keys it concerns, most specific first, to locate it by.
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
        var words = annotation.Success ? annotation.Groups["error"].Value : failure;
        var problem = words;
        var keys = new List<string>();
        // A key of another section is named too when a validator checks it on this one's behalf (Dso:Listen's
        // certificate is Kestrel:Certificates:Default's); one no source sets is skipped when the problem is located.
        if (LeadingKey(problem) is { } named && (named.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase) || ConfigurationKey().IsMatch(named)))
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
        // Without the data-annotation wrapper ("DataAnnotation validation failed for 'DsoOptions' members: ..."), whose
        // own words do not name the section: "The field ClockSpeed must be ..." becomes "Dso:ClockSpeed: The field ...".
        var message = annotation.Success && ReferenceEquals(problem, words) ? $"{keys[0]}: {words}" : words;
        return new SettingsProblem(keys.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), message, problem);
    }

    /// <summary>
    /// A value the binder could not convert outside <see cref="SettingsBinder"/> (a validator reading another
    /// section): its message names the value, the key and the type.
    /// </summary>
    public static SettingsProblem FromConversion(string section, InvalidOperationException ex)
    {
        var message = $"{ex.Message} ({ex.InnerException?.Message.ReplaceLineEndings(" ")})";
        return SettingsBinder.Conversion(ex) is { } conversion
            ? new SettingsProblem([conversion.Key, section], message, conversion.Problem)
            : new SettingsProblem([section], message, message);
    }

    private static string? LeadingKey(string message)
    {
        var end = message.IndexOf(' ', StringComparison.Ordinal);
        var token = (end < 0 ? message : message[..end]).TrimEnd(':');
        return token.Contains(':') && !token.Contains('{') ? token : null;
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*(:[A-Za-z0-9_.\-]+)+$")]
    private static partial Regex ConfigurationKey();

    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '(?<members>[^']*)' with the error: '(?<error>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();
}
