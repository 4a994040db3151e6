using YamlDotNet.RepresentationModel;

namespace Dso.Controller.Experiments;

/// <summary>A variant's override mapping written back as block YAML, for the operator to fold into a policy file.</summary>
internal static class OverridesYaml
{
    public static string Format(YamlMappingNode overrides)
    {
        var copy = new YamlMappingNode(overrides.Children);
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(Block(copy))).Save(writer, assignAnchors: false);
        var text = writer.ToString().ReplaceLineEndings("\n");
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    /// <summary>Flow-style mappings as the variant may have written them ({a: 1}) come out as block style, one key a line.</summary>
    private static YamlNode Block(YamlNode node) => node switch
    {
        YamlMappingNode map => new YamlMappingNode(map.Children.Select(kv => new KeyValuePair<YamlNode, YamlNode>(kv.Key, Block(kv.Value)))) { Style = YamlDotNet.Core.Events.MappingStyle.Block },
        YamlSequenceNode seq => new YamlSequenceNode(seq.Children.Select(Block)) { Style = seq.Style },
        _ => node,
    };
}
