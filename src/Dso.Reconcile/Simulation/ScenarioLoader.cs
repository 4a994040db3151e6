using Dso.Abstractions;
using System.Globalization;
using Dso.Abstractions.Catalog;
using Dso.Policies.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Dso.Reconcile.Simulation;

/// <summary>
/// Reads a scenario file. Unknown keys are ignored (scenarios carry notes for other tools); a missing required
/// key is an error naming it.
/// </summary>
public static class ScenarioLoader
{
    public static Scenario Load(string path)
    {
        YamlMappingNode root;
        try
        {
            var text = TextFile.ReadAll(path);
            // YamlDotNet reports some breaks (an unclosed '[' followed by more keys) without a position: checked first,
            // as a policy file is.
            if (Dso.Policies.Loading.YamlSyntax.Check(text) is { } syntax)
            {
                throw new ScenarioException($"{path}:{syntax.Line}:{syntax.Column}: {syntax.Problem}");
            }

            var stream = new YamlStream();
            using var reader = new StringReader(text);
            stream.Load(reader);
            var document = stream.Documents.FirstOrDefault()?.RootNode;
            root = document as YamlMappingNode
                ?? throw new ScenarioException(FormattableString.Invariant($"{path}:{document?.Start.Line ?? 1}:{document?.Start.Column ?? 1}: expected a mapping of scenario settings (name, trace, slo, instance_types, ...)"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException($"{path}: cannot read ({ex.Message})");
        }
        catch (YamlException ex)
        {
            throw new ScenarioException($"{path}:{ex.Start.Line}:{ex.Start.Column}: not valid YAML ({ex.Message})");
        }

        string Text(string key) => Scalar(root, key, path) is { Length: > 0 } text ? text : throw new ScenarioException($"{path}{At(root, key)}: missing required key '{key}'");
        double Number(YamlMappingNode node, string key, string where, double min, double max, bool whole = false, bool exclusiveMin = false)
        {
            var text = Scalar(node, key, path) ?? throw new ScenarioException($"{path}{At(node, key)}: {where}missing required key '{key}'");
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            {
                throw new ScenarioException($"{path}{At(node, key)}: {where}'{key}' must be a number (was '{text}')");
            }

            if (v < min || (exclusiveMin && v <= min) || v > max || (whole && v != Math.Floor(v)))
            {
                var lower = exclusiveMin ? $"above {min.ToString(CultureInfo.InvariantCulture)}" : $"from {min.ToString(CultureInfo.InvariantCulture)}";
                var range = exclusiveMin ? $"{lower} and at most {max.ToString(CultureInfo.InvariantCulture)}" : $"{lower} to {max.ToString(CultureInfo.InvariantCulture)}";
                throw new ScenarioException($"{path}{At(node, key)}: {where}'{key}' must be {(whole ? "a whole number" : "a number")} {range} (was '{text}')");
            }

            return v;
        }

        var sloNode = root.Children.TryGetValue(new YamlScalarNode("slo"), out var s) && s is YamlMappingNode sm
            ? sm : throw new ScenarioException($"{path}{At(root, "slo")}: {(s is null ? "missing required key 'slo'" : "'slo' must be a mapping")} (with latency_p95_ms)");
        var types = ReadTypes(root, path, Number);
        var catalog = new InstanceCatalog(types);
        var minInstances = (int)Number(root, "min_instances", "", 0, MaxInstances, whole: true);
        var maxInstances = (int)Number(root, "max_instances", "", 1, MaxInstances, whole: true);
        if (minInstances > maxInstances)
        {
            throw new ScenarioException($"{path}{At(root, "min_instances")}: 'min_instances' ({minInstances}) must not exceed 'max_instances' ({maxInstances})");
        }

        var initial = ReadInitialFleet(root, path, catalog);
        var enforcement = Scalar(root, "budget_enforcement", path) switch
        {
            null or "hard" => BudgetEnforcement.Hard,
            "soft" => BudgetEnforcement.Soft,
            var other => throw new ScenarioException($"{path}{At(root, "budget_enforcement")}: 'budget_enforcement' must be hard or soft (was '{other}')"),
        };
        var traceRelative = Text("trace");
        var tracePath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, traceRelative));
        if (Directory.Exists(tracePath))
        {
            throw new ScenarioException($"{path}{At(root, "trace")}: 'trace' names a directory, not a CSV file ({tracePath})");
        }

        if (!File.Exists(tracePath))
        {
            // Relative to the scenario file, not the working directory: say where it was looked for.
            throw new ScenarioException($"{path}{At(root, "trace")}: 'trace': no such file '{traceRelative}' (looked for {tracePath})");
        }

        return new Scenario
        {
            Name = Scalar(root, "name", path) ?? Path.GetFileNameWithoutExtension(path),
            TracePath = tracePath,
            LatencyP95Ms = Number(sloNode, "latency_p95_ms", "slo: ", 0, 3_600_000, exclusiveMin: true),
            // The policy's own ceilings: a boot of more than six hours, or a billing minimum past a year, is a typo.
            BootDelay = TimeSpan.FromSeconds(Number(root, "boot_delay_seconds", "", 0, MaxBootDelaySeconds)),
            BillingMinimum = TimeSpan.FromSeconds(Scalar(root, "billing_minimum_seconds", path) is null ? 60 : Number(root, "billing_minimum_seconds", "", 0, Dso.Policies.PolicyLimits.MaxDuration.TotalSeconds)),
            MinInstances = minInstances,
            MaxInstances = maxInstances,
            BudgetMonthlyUsd = (decimal)Number(root, "budget_monthly_usd", "", 0, MaxMoney, exclusiveMin: true),
            BudgetEnforcement = enforcement,
            InitialFleet = initial,
            Catalog = catalog,
        };
    }

    /// <summary>Most instances a scenario may name (min, max, initial): far past any fleet this controller runs.</summary>
    public const int MaxInstances = 1_000_000;

    /// <summary>Longest boot delay, as a policy's <c>boot_delay</c> allows.</summary>
    private static readonly double MaxBootDelaySeconds = Dso.Policies.PolicyLimits.MaxBootDelay.TotalSeconds;

    /// <summary>Largest amount of money, as a policy allows (USD a month or an hour).</summary>
    private static readonly double MaxMoney = (double)Dso.Policies.PolicyLimits.MaxMoney;

    private delegate double NumberReader(YamlMappingNode node, string key, string where, double min, double max, bool whole = false, bool exclusiveMin = false);

    private static List<InstanceType> ReadTypes(YamlMappingNode root, string path, NumberReader number)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode("instance_types"), out var node) || node is not YamlSequenceNode list || list.Children.Count == 0)
        {
            throw new ScenarioException($"{path}{At(root, "instance_types")}: missing required key 'instance_types' (a non-empty list)");
        }

        var types = new List<InstanceType>();
        foreach (var child in list.Children)
        {
            if (child is not YamlMappingNode item)
            {
                throw new ScenarioException($"{path}:{child.Start.Line}:{child.Start.Column}: instance type: must be a mapping (name, vcpu, memory_gib, price_per_hour, capacity_rps)");
            }

            var name = Scalar(item, "name", path) is { Length: > 0 } n ? n.Trim() : throw new ScenarioException($"{path}:{item.Start.Line}:{item.Start.Column}: instance type: missing required key 'name'");
            if (InstanceType.NameProblem(name) is { } problem)
            {
                throw new ScenarioException($"{path}{At(item, "name")}: instance type: name {problem}");
            }

            if (types.Any(t => t.Name == name))
            {
                throw new ScenarioException($"{path}:{item.Start.Line}:{item.Start.Column}: instance type '{name}': declared twice");
            }

            var where = $"instance type '{name}': ";
            types.Add(new InstanceType(
                name,
                Scalar(item, "vcpu", path) is null ? 1 : (int)number(item, "vcpu", where, 1, 100_000, whole: true),
                Scalar(item, "memory_gib", path) is null ? 0 : number(item, "memory_gib", where, 0, 1_000_000),
                (decimal)number(item, "price_per_hour", where, 0, MaxMoney, exclusiveMin: true),
                number(item, "capacity_rps", where, 0, 10_000_000, exclusiveMin: true)));
        }

        return types;
    }

    private static Fleet ReadInitialFleet(YamlMappingNode root, string path, InstanceCatalog catalog)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode("initial_fleet"), out var node))
        {
            return Fleet.Empty;
        }

        var fleet = node switch
        {
            YamlMappingNode map => Fleet.Of(map.Children.Select(kv => new KeyValuePair<string, int>(
                (kv.Key as YamlScalarNode)?.Value ?? "?", Count((kv.Key as YamlScalarNode)?.Value, (kv.Value as YamlScalarNode)?.Value)))),
            YamlScalarNode scalar => ParseFleet(scalar.Value),
            _ => throw new ScenarioException($"{path}{At(root, "initial_fleet")}: 'initial_fleet' must be a mapping of type: count"),
        };
        foreach (var type in fleet.Counts.Keys.Where(t => !catalog.Contains(t)))
        {
            throw new ScenarioException($"{path}{At(root, "initial_fleet")}: initial_fleet: unknown instance type '{type}'");
        }

        // A group may start above max_instances (the operator lowered the limit below what runs): the scorer replays
        // it, and the first decisions bring the fleet within the limit, max_step at a time, as the service would.
        return fleet;

        Fleet ParseFleet(string? text)
        {
            try
            {
                return Fleet.Parse(text);
            }
            catch (FormatException ex)
            {
                throw new ScenarioException($"{path}{At(root, "initial_fleet")}: initial_fleet: {ex.Message} (write a mapping such as {{c7g.large: 4}}, or type=count items joined by ';')");
            }
        }

        int Count(string? type, string? text) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= MaxInstances
                ? count
                : throw new ScenarioException($"{path}{At(root, "initial_fleet")}: initial_fleet: '{type}' must be a whole number of instances from 0 to {MaxInstances} (was '{text}')");
    }

    /// <summary>A key's scalar value, null when absent; a list or mapping where one value belongs is an error at it.</summary>
    private static string? Scalar(YamlMappingNode node, string key, string path) =>
        !node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? null
        : value is YamlScalarNode scalar ? scalar.Value
        : throw new ScenarioException($"{path}{At(node, key)}: '{key}' must be a single value, not a {(value is YamlSequenceNode ? "list" : "mapping")}");

    /// <summary>
    /// ":line:column" of a key's value, or of the mapping it is missing from: every error names the place, as a
    /// policy's do.
    /// </summary>
    private static string At(YamlMappingNode node, string key)
    {
        var mark = node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value.Start : node.Start;
        return FormattableString.Invariant($":{mark.Line}:{mark.Column}");
    }
}
