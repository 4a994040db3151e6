using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Policies.Model;
using YamlDotNet.RepresentationModel;

namespace Dso.Policies.Loading;

/// <summary>
/// Reads <c>provider:</c>, either a name (<c>provider: simulated</c>) or a block with the name, the apply mode,
/// approval thresholds, the provider's settings and the offering-to-group map. Settings and groups are then
/// checked by the provider plug-in itself, and each of its problems is placed at the key it names.
/// </summary>
internal static class ProviderReader
{
    public const string DefaultProvider = "simulated";

    public static (string Name, CloudPolicy Cloud) Read(MappingReader r, PolicyVocabulary vocabulary)
    {
        var raw = r.Raw("provider");
        if (raw is null)
        {
            return (DefaultProvider, CloudPolicy.Default);
        }

        if (raw is YamlScalarNode scalar)
        {
            var name = scalar.Value ?? DefaultProvider;
            CheckName(r, raw, name, vocabulary);
            return (name, CloudPolicy.Default);
        }

        if (raw is not YamlMappingNode node)
        {
            r.Error(raw, "provider", "must be a provider name or a mapping with name, mode, settings and groups");
            return (DefaultProvider, CloudPolicy.Default);
        }

        var p = r.Child(node, "provider.");
        var providerName = p.String("name", required: true) ?? DefaultProvider;
        if (p.Raw("name") is { } nameNode)
        {
            CheckName(p, nameNode, providerName, vocabulary, "name");
        }

        var mode = p.Enum<ApplyMode>("mode") ?? ApplyMode.Auto;
        var approval = ReadApproval(p);
        var settings = ReadStrings(p, "settings");
        var groups = ReadStrings(p, "groups");
        p.RejectUnknownKeys();
        if (approval != ApprovalPolicy.Default && mode != ApplyMode.Approve)
        {
            p.Error(p.Raw("approval")!, "approval", $"only applies with mode: approve (mode is {mode.ToString().ToLowerInvariant()})");
        }

        return (providerName, new CloudPolicy { Mode = mode, Approval = approval, Settings = settings, Groups = groups });
    }

    /// <summary>
    /// Checks the groups against the catalog (every offering mapped when any is, no unknown offering) and asks the
    /// provider plug-in about the rest. Runs after the catalog is read.
    /// </summary>
    public static void Validate(MappingReader r, ProviderBinding binding, InstanceCatalog catalog, PolicyVocabulary vocabulary, IReadOnlySet<string> rejected)
    {
        var node = r.Node.Children.TryGetValue(new YamlScalarNode("provider"), out var raw) ? raw : null;
        var block = node as YamlMappingNode;
        var groupsNode = block is not null && block.Children.TryGetValue(new YamlScalarNode("groups"), out var g) ? g as YamlMappingNode : null;
        if (groupsNode is not null)
        {
            foreach (var (key, _) in groupsNode.Children)
            {
                var offering = (key as YamlScalarNode)?.Value ?? "?";
                var typeOf = offering.EndsWith(InstanceType.SpotSuffix, StringComparison.Ordinal) ? offering[..^InstanceType.SpotSuffix.Length] : offering;
                if (rejected.Contains(typeOf))
                {
                    continue; // its entry in instance_types is rejected, and says why
                }

                if (!catalog.Contains(offering))
                {
                    r.Error(key, "provider.groups." + offering, $"not an offering of this service (offerings: {string.Join(", ", catalog.Offerings.Select(o => o.Name))})");
                }
            }

            foreach (var offering in catalog.Offerings.Where(o => !binding.Groups.ContainsKey(o.Name)))
            {
                r.Error(groupsNode, "provider.groups", $"offering '{offering.Name}' is not mapped to a group (every offering needs one)");
            }
        }

        if (vocabulary.ValidateBinding is null || !vocabulary.Providers.Contains(binding.Provider))
        {
            return;
        }

        foreach (var problem in vocabulary.ValidateBinding(binding))
        {
            var colon = problem.IndexOf(": ", StringComparison.Ordinal);
            var field = colon > 0 ? problem[..colon] : "";
            var text = colon > 0 ? problem[(colon + 2)..] : problem;
            r.Error(Locate(block, field) ?? node ?? r.Node, "provider." + (field.Length > 0 ? field : "name"), text);
        }
    }

    private static YamlNode? Locate(YamlMappingNode? block, string field)
    {
        var parts = field.Split('.', 2);
        if (block is null || !block.Children.TryGetValue(new YamlScalarNode(parts[0]), out var section))
        {
            return null;
        }

        if (parts.Length == 2 && section is YamlMappingNode map)
        {
            var key = map.Children.Keys.FirstOrDefault(k => (k as YamlScalarNode)?.Value == parts[1]);
            return key ?? section;
        }

        return section;
    }

    private static void CheckName(MappingReader r, YamlNode at, string name, PolicyVocabulary vocabulary, string field = "provider")
    {
        if (!vocabulary.Providers.Contains(name))
        {
            r.Error(at, field, $"unknown provider '{name}' (known: {string.Join(", ", vocabulary.Providers)})");
        }
    }

    private static ApprovalPolicy ReadApproval(MappingReader p)
    {
        if (p.Mapping("approval") is not { } node)
        {
            return ApprovalPolicy.Default;
        }

        var a = p.Child(node, "approval.");
        var instances = a.Integer("instances", min: 0);
        var usd = a.Money("usd_per_hour", positive: false);
        var timeout = a.Duration("timeout", min: TimeSpan.FromSeconds(1)) ?? ApprovalPolicy.DefaultTimeout;
        var window = a.Duration("window", min: TimeSpan.Zero, max: TimeSpan.FromDays(7)) ?? ApprovalPolicy.DefaultWindow;
        a.RejectUnknownKeys();
        return new ApprovalPolicy(instances, usd, timeout) { Window = window };
    }

    private static Dictionary<string, string> ReadStrings(MappingReader p, string key)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (p.Mapping(key) is not { } node)
        {
            return result;
        }

        var m = p.Child(node, key + ".");
        foreach (var (k, _) in node.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (m.String(name) is { } value)
            {
                result[name] = value;
            }
        }

        return result;
    }
}
