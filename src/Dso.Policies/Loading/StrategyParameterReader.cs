using Dso.Policies.Parameters;
using YamlDotNet.RepresentationModel;

namespace Dso.Policies.Loading;

/// <summary>
/// Checks <c>strategy.parameters</c> against the strategy's declarations: unknown keys (with the nearest known name),
/// values of the wrong type and values out of range are located errors, all reported at once.
/// </summary>
internal static class StrategyParameterReader
{
    public static void Read(MappingReader reader, YamlMappingNode node, string strategy, IReadOnlyList<ParameterSpec> declared, Dictionary<string, double> into)
    {
        var byName = declared.ToDictionary(d => d.Name, StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in node.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "?";
            if (!byName.TryGetValue(key, out var spec))
            {
                var known = string.Join(", ", declared.Select(d => d.Name));
                var nearest = Nearest(key, declared.Select(d => d.Name));
                var hint = nearest is null ? "" : $"did you mean '{nearest}'? ";
                reader.Error(keyNode, key, declared.Count == 0
                    ? $"unknown parameter: strategy '{strategy}' takes no parameters"
                    : $"unknown parameter for strategy '{strategy}' ({hint}known: {known})");
                continue;
            }

            var text = reader.String(key);
            if (text is null)
            {
                continue;
            }

            var value = spec.Parse(text, out var problem);
            problem ??= value is { } v ? spec.Problem(v) : null;
            if (problem is not null)
            {
                reader.Error(valueNode, key, problem);
                continue;
            }

            into[key] = value!.Value;
        }
    }

    /// <summary>The declared name within two edits of a typo (<c>coverage_quantlie</c>), if one is that close.</summary>
    internal static string? Nearest(string key, IEnumerable<string> names) =>
        names.Select(n => (Name: n, Distance: Distance(key, n))).Where(x => x.Distance <= 2).OrderBy(x => x.Distance).Select(x => x.Name).FirstOrDefault();

    /// <summary>Optimal-string-alignment distance: a swap of two neighbouring letters counts as one edit.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
