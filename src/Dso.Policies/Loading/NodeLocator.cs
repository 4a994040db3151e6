using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Dso.Policies.Loading;

/// <summary>
/// Where a node of a merged document came from. A variant's policy is the service's mapping with the experiment's
/// overrides laid over it; errors in it must point at the experiment file for overridden keys and at the policy file
/// for the rest. Nodes are matched by identity (YAML nodes compare by content).
/// </summary>
internal sealed class NodeLocator
{
    private readonly Dictionary<YamlNode, (string File, Mark Start)> _origins = new(ReferenceEqualityComparer.Instance);

    public void Add(YamlNode node, string file, Mark start) => _origins[node] = (file, start);

    /// <summary>Registers a node and everything under it as coming from <paramref name="file"/>.</summary>
    public void AddTree(YamlNode node, string file)
    {
        foreach (var child in node.AllNodes)
        {
            _origins[child] = (file, child.Start);
        }
    }

    public (string File, Mark Start)? Locate(YamlNode node) => _origins.TryGetValue(node, out var origin) ? origin : null;
}
