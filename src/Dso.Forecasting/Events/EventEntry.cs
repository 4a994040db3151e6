using Dso.Abstractions;
using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Dso.Forecasting;

/// <summary>
/// One entry of an event calendar's list. Every field is checked even after one is wrong, and each problem is recorded
/// at the node it concerns, so a row with a bad start and a bad multiplier gets both errors in one run.
/// </summary>
internal sealed class EventEntry(YamlNode node, int position, string source, List<EventCalendarError> errors)
{
    private string _label = $"event {position}";

    /// <summary>The planned event, or null (with its errors recorded) when any field is wrong.</summary>
    public PlannedEvent? Read()
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, "must be a mapping with name, start, end, multiplier");
            return null;
        }

        var before = errors.Count;
        var name = Scalar(map, "name", required: true);
        if (name is not null)
        {
            _label = $"event '{name}'";
        }

        var start = Time(map, "start");
        var end = Time(map, "end");
        var multiplier = Multiplier(map);
        var kind = Scalar(map, "kind", required: false);
        if (start is { } from && end is { } to && to <= from)
        {
            Error(map.Children[new YamlScalarNode("end")], $"end '{Scalar(map, "end", required: false)}' must be after start '{Scalar(map, "start", required: false)}'");
        }

        return errors.Count > before || name is null || start is null || end is null || multiplier is null
            ? null
            : new PlannedEvent(name, start.Value, end.Value, multiplier.Value, kind ?? "event");
    }

    private string? Scalar(YamlMappingNode map, string key, bool required)
    {
        if (!map.Children.TryGetValue(new YamlScalarNode(key), out var value))
        {
            if (required)
            {
                Error(map, $"missing required key '{key}'");
            }

            return null;
        }

        if (value is YamlScalarNode { Value: { } text })
        {
            return text;
        }

        Error(value, $"'{key}' must be a single value");
        return null;
    }

    private DateTimeOffset? Time(YamlMappingNode map, string key)
    {
        var text = Scalar(map, key, required: true);
        if (text is null)
        {
            return null;
        }

        if (DateOrder.Problem(text) is { } ambiguous)
        {
            Error(map.Children[new YamlScalarNode(key)], $"'{key}' value {ambiguous}");
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        Error(map.Children[new YamlScalarNode(key)], $"'{key}' value '{text}' is not a date and time (use e.g. 2026-07-01T00:00:00Z)");
        return null;
    }

    private double? Multiplier(YamlMappingNode map)
    {
        var text = Scalar(map, "multiplier", required: true);
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var multiplier) && double.IsFinite(multiplier) && multiplier > 0)
        {
            return multiplier;
        }

        Error(map.Children[new YamlScalarNode("multiplier")], $"multiplier '{text}' must be a positive number");
        return null;
    }

    private void Error(YamlNode at, string problem) => errors.Add(EventCalendarLoader.At(source, at, $"{_label}: {problem}"));
}
