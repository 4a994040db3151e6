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
            var stream = new YamlStream();
            using var reader = new StreamReader(path);
            stream.Load(reader);
            root = stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode
                ?? throw new ScenarioException($"{path}: expected a mapping of scenario settings");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException($"{path}: cannot read ({ex.Message})");
        }
        catch (YamlException ex)
        {
            throw new ScenarioException($"{path}:{ex.Start.Line}:{ex.Start.Column}: not valid YAML ({ex.Message})");
        }

        string Text(string key) => Scalar(root, key, path) ?? throw new ScenarioException($"{path}: missing required key '{key}'");
        double Number(YamlMappingNode node, string key, string where)
        {
            var text = Scalar(node, key, path) ?? throw new ScenarioException($"{path}: {where}missing required key '{key}'");
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v
                : throw new ScenarioException($"{path}: {where}'{key}' must be a number (was '{text}')");
        }

        var sloNode = root.Children.TryGetValue(new YamlScalarNode("slo"), out var s) && s is YamlMappingNode sm
            ? sm : throw new ScenarioException($"{path}: missing required key 'slo' (with latency_p95_ms)");
        var types = ReadTypes(root, path, Number);
        var catalog = new InstanceCatalog(types);
        var initial = ReadInitialFleet(root, path, catalog);
        var enforcement = Scalar(root, "budget_enforcement", path) is "soft" ? BudgetEnforcement.Soft : BudgetEnforcement.Hard;
        var traceRelative = Text("trace");
        return new Scenario
        {
            Name = Scalar(root, "name", path) ?? Path.GetFileNameWithoutExtension(path),
            TracePath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, traceRelative)),
            LatencyP95Ms = Number(sloNode, "latency_p95_ms", "slo: "),
            BootDelay = TimeSpan.FromSeconds(Number(root, "boot_delay_seconds", "")),
            BillingMinimum = TimeSpan.FromSeconds(Scalar(root, "billing_minimum_seconds", path) is null ? 60 : Number(root, "billing_minimum_seconds", "")),
            MinInstances = (int)Number(root, "min_instances", ""),
            MaxInstances = (int)Number(root, "max_instances", ""),
            BudgetMonthlyUsd = (decimal)Number(root, "budget_monthly_usd", ""),
            BudgetEnforcement = enforcement,
            InitialFleet = initial,
            Catalog = catalog,
        };
    }

    private static List<InstanceType> ReadTypes(YamlMappingNode root, string path, Func<YamlMappingNode, string, string, double> number)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode("instance_types"), out var node) || node is not YamlSequenceNode list || list.Children.Count == 0)
        {
            throw new ScenarioException($"{path}: missing required key 'instance_types' (a non-empty list)");
        }

        var types = new List<InstanceType>();
        foreach (var item in list.Children.OfType<YamlMappingNode>())
        {
            var name = Scalar(item, "name", path) ?? throw new ScenarioException($"{path}:{item.Start.Line}: instance type: missing required key 'name'");
            var where = $"instance type '{name}': ";
            types.Add(new InstanceType(
                name,
                Scalar(item, "vcpu", path) is null ? 1 : (int)number(item, "vcpu", where),
                Scalar(item, "memory_gib", path) is null ? 0 : number(item, "memory_gib", where),
                (decimal)number(item, "price_per_hour", where),
                number(item, "capacity_rps", where)));
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
                ((YamlScalarNode)kv.Key).Value!, int.Parse(((YamlScalarNode)kv.Value).Value!, CultureInfo.InvariantCulture)))),
            YamlScalarNode scalar => Fleet.Parse(scalar.Value),
            _ => throw new ScenarioException($"{path}: 'initial_fleet' must be a mapping of type: count"),
        };
        foreach (var type in fleet.Counts.Keys.Where(t => !catalog.Contains(t)))
        {
            throw new ScenarioException($"{path}: initial_fleet: unknown instance type '{type}'");
        }

        return fleet;
    }

    private static string? Scalar(YamlMappingNode node, string key, string path) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;
}
