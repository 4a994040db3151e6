using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Dso.Policies.Loading;

/// <summary>
/// Feeds the representation model a copy of the anchored node at each alias, placed at the alias. YamlDotNet resolves
/// <c>*name</c> to the very node that carries <c>&amp;name</c>, so a value that is wrong where the alias is used
/// (<c>tick: *slo</c>) was reported at the anchor, a line that is fine where it stands. With a copy per use, every
/// error inside an aliased value points at the alias, and <see cref="Uses"/> says which anchor it came from.
/// </summary>
internal sealed class AliasExpander(IParser inner) : IParser
{
    /// <summary>
    /// Copies allowed per file: a few nested aliases can stand for billions of nodes ("billion laughs"); a real policy
    /// file repeats a few hundred.
    /// </summary>
    public const int MaxCopiedEvents = 100_000;

    private readonly Dictionary<string, (Mark At, List<ParsingEvent> Events)> _anchored = new(StringComparer.Ordinal);
    private readonly List<Recording> _recording = [];
    private readonly Queue<ParsingEvent> _pending = new();
    private readonly List<AliasUse> _uses = [];
    private int _depth;
    private int _copied;

    public ParsingEvent? Current { get; private set; }

    /// <summary>Each expanded alias: where it was used and where its anchor is.</summary>
    public IReadOnlyList<AliasUse> Uses => _uses;

    public bool MoveNext()
    {
        if (_pending.Count == 0)
        {
            if (!inner.MoveNext())
            {
                Current = null;
                return false;
            }

            if (inner.Current is AnchorAlias missing && !_anchored.ContainsKey(missing.Value.Value))
            {
                // YamlDotNet's own error for it has no position (line 1, column 1).
                throw new YamlException(missing.Start, missing.End, $"alias '*{missing.Value.Value}' names no anchor defined above it");
            }

            if (inner.Current is AnchorAlias alias && _anchored.TryGetValue(alias.Value.Value, out var anchored))
            {
                _copied += anchored.Events.Count;
                if (_copied > MaxCopiedEvents)
                {
                    throw new YamlException(alias.Start, alias.End, $"aliases expand to more than {MaxCopiedEvents} YAML nodes in this file");
                }

                _uses.Add(new AliasUse(alias.Value.Value, alias.Start, anchored.At));
                foreach (var e in anchored.Events)
                {
                    _pending.Enqueue(Relocate(e, alias.Start, alias.End));
                }
            }
            else
            {
                _pending.Enqueue(inner.Current!);
            }
        }

        Current = _pending.Dequeue();
        Track(Current);
        return true;
    }

    /// <summary>Records each anchored node's events, copies included, until the node ends.</summary>
    private void Track(ParsingEvent e)
    {
        if (e is NodeEvent { Anchor.IsEmpty: false } node)
        {
            _recording.Add(new Recording(node.Anchor.Value, node.Start, _depth, []));
        }

        foreach (var r in _recording)
        {
            r.Events.Add(e);
        }

        _depth += e switch
        {
            SequenceStart or MappingStart => 1,
            SequenceEnd or MappingEnd => -1,
            _ => 0,
        };

        for (var i = _recording.Count - 1; i >= 0 && _recording[i].Depth == _depth; i--)
        {
            // A later anchor of the same name replaces the earlier one for the aliases below it, as YAML says.
            _anchored[_recording[i].Name] = (_recording[i].At, _recording[i].Events);
            _recording.RemoveAt(i);
        }
    }

    /// <summary>The same event at the alias's position and without its anchor (the copy declares nothing).</summary>
    private static ParsingEvent Relocate(ParsingEvent e, Mark start, Mark end) => e switch
    {
        Scalar s => new Scalar(AnchorName.Empty, s.Tag, s.Value, s.Style, s.IsPlainImplicit, s.IsQuotedImplicit, start, end, s.IsKey),
        SequenceStart s => new SequenceStart(AnchorName.Empty, s.Tag, s.IsImplicit, s.Style, start, end),
        MappingStart m => new MappingStart(AnchorName.Empty, m.Tag, m.IsImplicit, m.Style, start, end),
        SequenceEnd => new SequenceEnd(start, end),
        MappingEnd => new MappingEnd(start, end),
        _ => e,
    };

    private sealed record Recording(string Name, Mark At, int Depth, List<ParsingEvent> Events);
}

/// <summary>An alias <c>*Name</c> used at <paramref name="At"/>, whose anchor <c>&amp;Name</c> is at <paramref name="Anchor"/>.</summary>
internal sealed record AliasUse(string Name, Mark At, Mark Anchor)
{
    /// <summary>What an error found in the aliased value adds: where the value is written, where the fix may belong.</summary>
    public string Note => $"(the value of alias '*{Name}'; its anchor '&{Name}' is at line {Anchor.Line}, column {Anchor.Column})";
}
