using Dso.Policies.Model;
using YamlDotNet.RepresentationModel;

namespace Dso.Policies.Loading;

/// <summary>
/// One scale group, one service: two services bound to the same provider and scale group would each size the group
/// to their own plan, undoing the other every tick, and each would count the group's bill against its own budget only
/// while the bill is one (the spend ledger keys month-to-date spend by the group, <see cref="ServicePolicy.ScaleTarget"/>).
/// Checked across all files of a set, after duplicate names, at the later service's <c>scale_group</c> key.
/// </summary>
internal static class ScaleGroupClaims
{
    public static void Check(
        IReadOnlyList<ServicePolicy> services,
        IReadOnlyDictionary<string, (string File, YamlMappingNode Node)> serviceNodes,
        List<PolicyError> errors)
    {
        var first = new Dictionary<string, ServicePolicy>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            if (first.TryAdd(service.ScaleTarget, service))
            {
                continue;
            }

            var owner = first[service.ScaleTarget];
            var (file, node) = serviceNodes[service.Name];
            // Without an explicit scale_group the group is the service's name: point at the name then.
            var explicitGroup = Value(node, "scale_group");
            var at = explicitGroup ?? Value(node, "name") ?? node;
            var field = explicitGroup is null ? "name" : "scale_group";
            // Where the group lives (namespace=shop), when the policy says: the same name elsewhere is another group.
            var location = service.ScaleTarget[$"{service.Provider}/{service.ScaleGroup}".Length..].TrimStart('@').Replace("@", ", ", StringComparison.Ordinal);
            errors.Add(new PolicyError(file, (int)at.Start.Line, (int)at.Start.Column, $"service '{service.Name}'", field,
                $"provider '{service.Provider}' scale group '{service.ScaleGroup}'{(location.Length > 0 ? $" at {location}" : "")} is already scaled by service '{owner.Name}' (declared at {owner.Origin}); " +
                "one scale group takes one service (two would undo each other's plans and split one bill between two budgets)"));
        }
    }

    private static YamlNode? Value(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
}
