using Dso.Abstractions.Cloud;

namespace Dso.Policies.Loading;

/// <summary>
/// The plug-in names the running product knows, so a policy naming an unknown strategy, metric source or
/// provider is rejected at load time with the list of known names instead of failing at the first tick.
/// </summary>
public sealed record PolicyVocabulary(IReadOnlyCollection<string> Strategies, IReadOnlyCollection<string> Sources, IReadOnlyCollection<string> Providers)
{
    public static readonly PolicyVocabulary Default = new(
        ["target-tracking", "cost-optimizer"],
        ["synthetic", "trace", "prometheus", "push"],
        ["simulated", "aws", "azure", "kubernetes"]);

    /// <summary>
    /// The provider plug-in's check of a service's binding (settings and groups), as "field: problem" lines; the
    /// host passes its provider registry's. Null checks names only.
    /// </summary>
    public Func<ProviderBinding, IReadOnlyList<string>>? ValidateBinding { get; init; }
}
