using YamlDotNet.RepresentationModel;

namespace Dso.Policies.Loading;

/// <summary>
/// Lays a variant's overrides over a service's YAML mapping: mappings merge key by key, anything else (numbers,
/// lists such as instance_types) replaces. The result is read by the same reader as the service itself, so a
/// variant is held to every rule a policy is.
/// </summary>
internal static class PolicyMerge
{
    public static YamlMappingNode Merge(YamlMappingNode service, string serviceFile, YamlMappingNode overrides, string overridesFile, NodeLocator locator)
    {
        var merged = new YamlMappingNode();
        locator.Add(merged, serviceFile, service.Start);
        foreach (var (key, value) in service.Children)
        {
            merged.Children[key] = value;
        }

        foreach (var (key, value) in overrides.Children)
        {
            if (merged.Children.TryGetValue(key, out var baseValue) && baseValue is YamlMappingNode baseMap && value is YamlMappingNode overrideMap)
            {
                var inner = Merge(baseMap, serviceFile, overrideMap, overridesFile, locator);
                locator.Add(inner, overridesFile, overrideMap.Start);
                merged.Children[key] = inner;
            }
            else
            {
                locator.AddTree(value, overridesFile);
                locator.Add(key, overridesFile, key.Start);
                merged.Children[key] = value;
            }
        }

        return merged;
    }
}
