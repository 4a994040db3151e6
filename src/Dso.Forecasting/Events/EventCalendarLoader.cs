using Dso.Abstractions;
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
/// Uses the representation model rather than deserialisation so every error can name the line and column (operators
/// edit these files by hand), and reads every entry before rejecting: a calendar with three bad rows gets three
/// errors in one go, as policy files do. Unknown keys are ignored so the file can carry notes for people.
/// </summary>
public static class EventCalendarLoader
{
    /// <summary>Reads the calendar at <paramref name="path"/>; throws <see cref="EventCalendarException"/> listing every problem.</summary>
    public static EventCalendar Load(string path)
    {
        string text;
        try
        {
            text = TextFile.ReadAll(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EventCalendarException([new EventCalendarError(path, 0, 0, $"cannot open ({ex.Message})")]);
        }

        return Parse(text, path);
    }

    /// <summary>Reads calendar text named <paramref name="source"/>; throws <see cref="EventCalendarException"/> listing every problem.</summary>
    public static EventCalendar Parse(string yaml, string source = "<calendar>")
    {
        var errors = new List<EventCalendarError>();
        var events = Read(yaml, source, errors);
        return errors.Count > 0 ? throw new EventCalendarException(errors) : new EventCalendar(events);
    }

    private static List<PlannedEvent> Read(string yaml, string source, List<EventCalendarError> errors)
    {
        // YamlDotNet reports some breaks (an unclosed '[' followed by more keys) without a position: checked first, as
        // policy files are, so the error points at the bracket left open.
        if (Dso.Policies.Loading.YamlSyntax.Check(yaml) is { } syntax)
        {
            errors.Add(new EventCalendarError(source, syntax.Line, syntax.Column, syntax.Problem));
            return [];
        }

        var stream = new YamlStream();
        // Each alias gets a copy of its anchored value placed at the alias, as in a policy file: a wrong value reached
        // through '*m' is reported where it is used, naming the anchor (YamlDotNet's own nodes are the anchor's).
        var expander = new Dso.Policies.Loading.AliasExpander(new Parser(new StringReader(yaml)));
        try
        {
            stream.Load(expander);
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException or ArgumentException)
        {
            var reason = (ex.InnerException?.Message ?? ex.Message).Split(": ").Last().Trim();
            var (line, column) = ex is YamlException { Start.Line: > 0 } located ? ((int)located.Start.Line, (int)located.Start.Column) : (1, 1);
            errors.Add(new EventCalendarError(source, line, column, $"invalid YAML ({reason})"));
            return [];
        }

        var before = errors.Count;
        try
        {
            return ReadEvents(stream, source, errors);
        }
        finally
        {
            for (var i = before; i < errors.Count; i++)
            {
                var e = errors[i];
                if (expander.Uses.LastOrDefault(u => u.At.Line == e.Line && u.At.Column == e.Column) is { } use)
                {
                    errors[i] = e with { Problem = $"{e.Problem} {use.Note}" };
                }
            }
        }
    }

    private static List<PlannedEvent> ReadEvents(YamlStream stream, string source, List<EventCalendarError> errors)
    {
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return [];
        }

        var root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode map)
        {
            errors.Add(At(source, root, "expected a mapping with an 'events' list"));
            return [];
        }

        if (!map.Children.TryGetValue(new YamlScalarNode("events"), out var eventsNode))
        {
            errors.Add(At(source, map, "missing key 'events'"));
            return [];
        }

        if (eventsNode is YamlScalarNode { Value: null or "" })
        {
            return [];
        }

        if (eventsNode is not YamlSequenceNode list)
        {
            errors.Add(At(source, eventsNode, "'events' must be a list"));
            return [];
        }

        var events = new List<PlannedEvent>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            if (new EventEntry(list.Children[i], i + 1, source, errors).Read() is { } planned)
            {
                events.Add(planned);
            }
        }

        return events;
    }

    internal static EventCalendarError At(string source, YamlNode node, string problem) =>
        new(source, (int)node.Start.Line, (int)node.Start.Column, problem);
}
