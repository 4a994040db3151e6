using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Dso.Policies.Loading;

/// <summary>
/// Finds where YAML syntax breaks before the document is built. YamlDotNet reports some breaks (an unclosed
/// <c>[</c> or <c>{</c> followed by more keys) as an <see cref="InvalidOperationException"/> with no position, so the
/// events are read one by one: the error points at the flow collection left open, or else where parsing stopped.
/// Policy files, event calendars and scenario files are checked with it before they are loaded (the same internal
/// source is compiled into Dso.Forecasting and Dso.Reconcile, as <see cref="AliasExpander"/> is).
/// </summary>
internal static class YamlSyntax
{
    /// <summary>Where the YAML breaks (1-based) and why, the problem starting "not valid YAML".</summary>
    internal sealed record Error(int Line, int Column, string Problem);

    public static Error? Check(string text)
    {
        var parser = new Parser(new StringReader(text));
        var open = new Stack<ParsingEvent>();
        var last = Mark.Empty;
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                if (current is AnchorAlias alias && !anchors.Contains(alias.Value.Value))
                {
                    return new Error((int)alias.Start.Line, (int)alias.Start.Column, $"not valid YAML: alias '*{alias.Value.Value}' names no anchor defined above it");
                }

                if (current is NodeEvent { Anchor.IsEmpty: false } node)
                {
                    anchors.Add(node.Anchor.Value);
                }

                switch (current)
                {
                    case SequenceStart:
                    case MappingStart:
                        open.Push(current);
                        break;
                    case SequenceEnd:
                    case MappingEnd:
                        open.TryPop(out _);
                        break;
                }

                last = current.End;
            }

            return null;
        }
        catch (YamlException ex)
        {
            var reason = (ex.InnerException?.Message ?? ex.Message).Split(':').Last().Trim();
            var unclosed = Unclosed(open);
            return unclosed is not null
                ? new Error((int)unclosed.Start.Line, (int)unclosed.Start.Column, $"not valid YAML: this '{Bracket(unclosed)}' is never closed ({reason} at line {ex.Start.Line})")
                : new Error((int)ex.Start.Line, (int)ex.Start.Column, $"not valid YAML ({reason})");
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            var unclosed = Unclosed(open);
            return unclosed is not null
                ? new Error((int)unclosed.Start.Line, (int)unclosed.Start.Column, $"not valid YAML: this '{Bracket(unclosed)}' is never closed")
                : new Error((int)Math.Max(1, last.Line), (int)Math.Max(1, last.Column), "not valid YAML: the structure breaks after this point");
        }
    }

    private static ParsingEvent? Unclosed(Stack<ParsingEvent> open) =>
        open.FirstOrDefault(e => e is SequenceStart { Style: SequenceStyle.Flow } or MappingStart { Style: MappingStyle.Flow });

    private static string Bracket(ParsingEvent e) => e is SequenceStart ? "[" : "{";
}
