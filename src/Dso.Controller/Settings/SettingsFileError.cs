using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dso.Controller.Settings;

/// <summary>
/// A settings file the JSON provider refused to load (broken JSON, a key given twice), as one located line
/// instead of the provider's exception: <c>FILE:line:column: problem</c>.
/// </summary>
internal static partial class SettingsFileError
{
    /// <summary>The located reason, or null when <paramref name="ex"/> is not the provider's "failed to load" error.</summary>
    public static string? Describe(InvalidDataException ex, Func<string, string> display)
    {
        if (FailedToLoad().Match(ex.Message) is not { Success: true } match)
        {
            return null;
        }

        var path = match.Groups["path"].Value;
        var map = JsonSettingsMap.TryRead(path);
        string At((int Line, int Column)? at) => at is { } p ? $"{display(path)}:{p.Line}:{p.Column}" : display(path);
        return ex.InnerException switch
        {
            { InnerException: JsonException json } =>
                $"{At(map?.Position(json.LineNumber ?? 0, json.BytePositionInLine ?? 0))}: not valid JSON: {JsonSettingsMap.ReaderMessage(json.Message)}",
            FormatException format when DuplicateKey().Match(format.Message) is { Success: true } duplicate =>
                $"{At(map?.Find(duplicate.Groups["key"].Value))}: {duplicate.Groups["key"].Value}: given twice (keys are case-insensitive); the service refuses the file",
            { } inner => $"{display(path)}: {inner.Message.ReplaceLineEndings(" ")}",
            null => $"{display(path)}: {ex.Message}",
        };
    }

    [GeneratedRegex(@"^Failed to load configuration from file '(?<path>.+)'\.$", RegexOptions.Singleline)]
    private static partial Regex FailedToLoad();

    [GeneratedRegex(@"^A duplicate key '(?<key>.+)' was found\.$", RegexOptions.Singleline)]
    private static partial Regex DuplicateKey();
}
