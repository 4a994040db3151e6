using System.Globalization;
using System.Text.RegularExpressions;
using Dso.Controller.Composition;
using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Core.Tests.Policies;

/// <summary>
/// Mutates the shipped policy files the way operators get them wrong: a value of another type, a value out of range,
/// a misspelt, extra or removed key, broken YAML syntax. Seeded, so a failing mutant can be reproduced by its index.
/// </summary>
internal sealed partial class PolicyMutator(int seed)
{
    private static readonly string[] OtherValues =
    [
        "abc", "[1, 2]", "{a: 1}", "true", "false", "''", "~", "-1", "0", "1.5", "-3", "1e300", "-1e300", "5m", "-5m", "0s",
        "NaN", ".inf", "99999999999999d", "0.5", "1", "2", "100000", "0.9999", "yes", "\"quoted\"", "1_000", "0x10",
    ];

    private static readonly string[] Breakers = [" [", " {", "\"", "'", ": :", " ]", "\t", " &", " *x", " |", " >", " - "];

    private readonly Random _random = new(seed);

    /// <summary>The policies this product ships, plus the default with every cost-optimizer parameter written out.</summary>
    public static IReadOnlyList<(string Name, string Text)> ShippedPolicies()
    {
        var root = RepositoryRoot();
        var files = Directory.GetFiles(Path.Combine(root, "policies"), "*.yaml").Where(f => !f.EndsWith(".events.yaml", StringComparison.Ordinal))
            .Append(Path.Combine(root, "simulations", "policies", "target-tracking.yaml"))
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), File.ReadAllText(f)))
            .ToList();
        var everyParameter = string.Concat(CostOptimizerParameters.Declared.Select(p => $"        {p.Name}: {p.DefaultText}\n"));
        files.Add(("default-full.yaml", DefaultPolicy.Text().Replace("        coverage_quantile: 0.98\n", everyParameter, StringComparison.Ordinal)));
        files.Add(("default.yaml", DefaultPolicy.Text()));

        // The other metric sources, whose options only the service's source factories check (the loader sees strings).
        files.Add(("default-prometheus.yaml", DefaultPolicy.Text().Replace("      source: synthetic\n", """
                  source: prometheus
                  options: {url: "http://127.0.0.1:9", timeout: 5s, retries: "2", backoff: 200ms, backfill: 1h}
                  queries: {request_rate: "sum(rate(http_requests_total[1m]))"}

            """, StringComparison.Ordinal)));
        files.Add(("default-push.yaml", DefaultPolicy.Text().Replace("      source: synthetic\n", """
                  source: push
                  options: {stale_after: 2m, backfill: 24h}
                  queries: {request_rate: http_rps}

            """, StringComparison.Ordinal)));
        return files;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DsoController.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("repository root (DsoController.sln) not found above the test binaries");
    }

    /// <summary>One or two mutations of <paramref name="text"/>, and what they were.</summary>
    public (string Text, string Description) Mutate(string text)
    {
        var lines = text.Split('\n').ToList();
        var done = new List<string>();
        for (var n = _random.Next(3) == 0 ? 2 : 1; n > 0; n--)
        {
            var candidates = Enumerable.Range(0, lines.Count).Where(i => lines[i].Trim().Length > 0 && !lines[i].TrimStart().StartsWith('#')).ToList();
            var i = candidates[_random.Next(candidates.Count)];
            done.Add($"line {i + 1}: {MutateLine(lines, i)}");
        }

        return (string.Join('\n', lines), string.Join("; ", done));
    }

    private string MutateLine(List<string> lines, int i)
    {
        var line = lines[i];
        var pairs = PairPattern().Matches(line).Where(m => m.Groups["value"].Value.Trim().Length > 0).ToList();
        var pair = pairs.Count > 0 ? pairs[_random.Next(pairs.Count)] : null;
        var indent = line[..(line.Length - line.TrimStart().Length)];
        switch (_random.Next(8))
        {
            case 0 when pair is not null:
                return Replace(lines, i, pair.Groups["value"], OtherValues[_random.Next(OtherValues.Length)], "value of another type");
            case 1 when pair is not null && double.TryParse(pair.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number):
                var factor = new[] { -1, 0, 1000, 1e6, 1.5, 0.001, 2, 1.1, 0.9 }[_random.Next(9)];
                return Replace(lines, i, pair.Groups["value"], (number * factor + (factor == 2 ? 1 : 0)).ToString(CultureInfo.InvariantCulture), "value out of range");
            case 2 when pair is not null && pair.Groups["key"].Value.Length > 2:
                var key = pair.Groups["key"].Value.ToCharArray();
                var at = _random.Next(key.Length - 1);
                (key[at], key[at + 1]) = (key[at + 1], key[at]);
                return Replace(lines, i, pair.Groups["key"], new string(key), "misspelt key");
            case 3:
                lines.Insert(i + 1, $"{(line.TrimStart().StartsWith("- ", StringComparison.Ordinal) ? indent + "  " : indent)}extra_key_{_random.Next(100)}: {OtherValues[_random.Next(OtherValues.Length)]}");
                return "extra key";
            case 4:
                lines.RemoveAt(i);
                return "removed line";
            case 5:
                var breaker = Breakers[_random.Next(Breakers.Length)];
                var position = _random.Next(line.Length + 1);
                lines[i] = line.Insert(position, breaker);
                return $"broken syntax ('{breaker}' at column {position + 1})";
            case 6:
                lines[i] = _random.Next(2) == 0 ? " " + line : line.Length > 1 ? line[1..] : line;
                return "indentation";
            default:
                lines.Insert(i + 1, line);
                return "duplicated line";
        }
    }

    private static string Replace(List<string> lines, int i, Group group, string with, string what)
    {
        lines[i] = lines[i][..group.Index] + with + lines[i][(group.Index + group.Length)..];
        return what;
    }

    [GeneratedRegex(@"(?<key>[A-Za-z_][\w.]*):[ ]+(?<value>[^,{}\[\]#\n]+)")]
    private static partial Regex PairPattern();
}
