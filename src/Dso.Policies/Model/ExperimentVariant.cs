using YamlDotNet.RepresentationModel;

namespace Dso.Policies.Model;

/// <summary>One arm: its overrides as written (for promotion) and the resulting policy of each service in the experiment.</summary>
public sealed record ExperimentVariant(string Name, IReadOnlyDictionary<string, ServicePolicy> Policies)
{
    /// <summary>The override mapping as declared; empty for a variant that runs the service's own policy.</summary>
    public YamlMappingNode? Overrides { get; init; }

    public bool IsUnchanged => Overrides is null || Overrides.Children.Count == 0;
}
