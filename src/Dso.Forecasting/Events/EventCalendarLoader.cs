using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Dso.Forecasting;

/// <summary>
/// Loads an event calendar from YAML:
/// <code>
/// events:
///   - name: summer-sale
///     kind: campaign          # optional: campaign, launch, holiday ...
///     start: 2026-07-01T00:00:00Z
///     end: 2026-07-03T00:00:00Z
///     multiplier: 1.8         # expected demand vs a normal day
/// </code>
/// Uses the representation model rather than deserialisation so every error can name the line (operators edit these
/// files by hand). Unknown keys are ignored so the file can carry notes for people.
/// </summary>
public static class EventCalendarLoader
{
    public static EventCalendar Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EventCalendarException($"{path}: cannot open ({ex.Message})");
        }

        return Parse(text, path);
    }

    public static EventCalendar Parse(string yaml, string source = "<calendar>")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new EventCalendarException($"{source}:{ex.Start.Line}: invalid YAML ({ex.Message})");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return EventCalendar.Empty;
        }

        var root = stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new EventCalendarException($"{source}:{stream.Documents[0].RootNode.Start.Line}: expected a mapping with an 'events' list");
        if (!root.Children.TryGetValue(new YamlScalarNode("events"), out var eventsNode))
        {
            throw new EventCalendarException($"{source}:{root.Start.Line}: missing key 'events'");
        }

        if (eventsNode is YamlScalarNode { Value: null or "" })
        {
            return EventCalendar.Empty;
        }

        var list = eventsNode as YamlSequenceNode
            ?? throw new EventCalendarException($"{source}:{eventsNode.Start.Line}: 'events' must be a list");
        return new EventCalendar(list.Children.Select(node => ParseEvent(node, source)).ToList());
    }

    private static PlannedEvent ParseEvent(YamlNode node, string source)
    {
        var map = node as YamlMappingNode
            ?? throw new EventCalendarException($"{source}:{node.Start.Line}: each event must be a mapping with name, start, end, multiplier");
        var line = map.Start.Line;
        var name = Scalar(map, "name", source) ?? throw Missing("name");
        var start = Time(map, "start", source) ?? throw Missing("start");
        var end = Time(map, "end", source) ?? throw Missing("end");
        var multiplierText = Scalar(map, "multiplier", source) ?? throw Missing("multiplier");
        if (!double.TryParse(multiplierText, NumberStyles.Float, CultureInfo.InvariantCulture, out var multiplier) || !double.IsFinite(multiplier) || multiplier <= 0)
        {
            throw new EventCalendarException($"{source}:{LineOf(map, "multiplier")}: event '{name}': multiplier '{multiplierText}' must be a positive number");
        }

        if (end <= start)
        {
            throw new EventCalendarException($"{source}:{LineOf(map, "end")}: event '{name}': end {end:O} must be after start {start:O}");
        }

        return new PlannedEvent(name, start, end, multiplier, Scalar(map, "kind", source) ?? "event");

        EventCalendarException Missing(string key) => new($"{source}:{line}: event is missing required key '{key}'");
    }

    private static string? Scalar(YamlMappingNode map, string key, string source)
    {
        if (!map.Children.TryGetValue(new YamlScalarNode(key), out var value))
        {
            return null;
        }

        return value is YamlScalarNode scalar
            ? scalar.Value
            : throw new EventCalendarException($"{source}:{value.Start.Line}: '{key}' must be a single value");
    }

    private static DateTimeOffset? Time(YamlMappingNode map, string key, string source)
    {
        var text = Scalar(map, key, source);
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        throw new EventCalendarException($"{source}:{LineOf(map, key)}: '{key}' value '{text}' is not a date and time (use e.g. 2026-07-01T00:00:00Z)");
    }

    private static long LineOf(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value.Start.Line : map.Start.Line;
}
