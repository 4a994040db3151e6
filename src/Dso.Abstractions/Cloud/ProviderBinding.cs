namespace Dso.Abstractions.Cloud;

/// <summary>
/// Where one service's fleet lives on a provider, from the policy's <c>provider:</c> block: each offering
/// (<c>c7g.large</c>, <c>c7g.large/spot</c>) maps to one group on the provider (an Auto Scaling group, a VM
/// scale set, a Deployment) whose desired capacity is that offering's count. Settings are the provider's own
/// (region, subscription, resource group, namespace, ...); credentials never appear here.
/// </summary>
public sealed record ProviderBinding(
    string Provider,
    string ScaleGroup,
    IReadOnlyDictionary<string, string> Groups,
    IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>The provider group that holds <paramref name="offering"/>, or null when the binding does not map it.</summary>
    public string? GroupOf(string offering) => Groups.TryGetValue(offering, out var group) ? group : null;
}
