using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Dso.Policies.Loading;

/// <summary>
/// Finds where YAML syntax breaks before the document is built. YamlDotNet reports some breaks (an unclosed
/// <c>[</c> or <c>{</c> followed by more keys) as an <see cref="InvalidOperationException"/> with no position, so the
/// events are read one by one: the error points at the flow collection left open, or else where parsing stopped.
/// </summary>
internal static class YamlSyntax
{
    public static PolicyError? Check(string file, string text)
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
                    return new PolicyError(file, (int)alias.Start.Line, (int)alias.Start.Column, "file", "", $"not valid YAML: alias '*{alias.Value.Value}' names no anchor defined above it");
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
                ? new PolicyError(file, (int)unclosed.Start.Line, (int)unclosed.Start.Column, "file", "", $"not valid YAML: this '{Bracket(unclosed)}' is never closed ({reason} at line {ex.Start.Line})")
                : new PolicyError(file, (int)ex.Start.Line, (int)ex.Start.Column, "file", "", $"not valid YAML ({reason})");
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            var unclosed = Unclosed(open);
            return unclosed is not null
                ? new PolicyError(file, (int)unclosed.Start.Line, (int)unclosed.Start.Column, "file", "", $"not valid YAML: this '{Bracket(unclosed)}' is never closed")
                : new PolicyError(file, (int)Math.Max(1, last.Line), (int)Math.Max(1, last.Column), "file", "", "not valid YAML: the structure breaks after this point");
        }
    }

    private static ParsingEvent? Unclosed(Stack<ParsingEvent> open) =>
        open.FirstOrDefault(e => e is SequenceStart { Style: SequenceStyle.Flow } or MappingStart { Style: MappingStyle.Flow });

    private static string Bracket(ParsingEvent e) => e is SequenceStart ? "[" : "{";
}
