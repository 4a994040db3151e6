using Dso.Abstractions.Catalog;

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
    /// <summary>
    /// The billed resource as the budget knows it: provider, scale group and where the group lives (the settings in
    /// <see cref="LocationKeys"/>: AWS region, Azure subscription and resource group, Kubernetes namespace and context),
    /// not the service's name, so a service renamed in its policy keeps its month-to-date spend
    /// (<see cref="Decisions.ISpendLog"/>), while <c>web</c> in two namespaces or regions stays two groups. Other settings
    /// (endpoint, kubeconfig path, credentials' sources) and the offering map are left out: they change with edits
    /// that keep the same group.
    /// </summary>
    public string Target => TargetOf(Provider, ScaleGroup, Settings);

    /// <summary>The settings that say where a group lives: the same group name elsewhere is another group.</summary>
    public static readonly IReadOnlyList<string> LocationKeys = ["region", "subscription_id", "resource_group", "namespace", "context"];

    /// <summary>
    /// See <see cref="Target"/>: <c>provider/scale_group</c>, then <c>@key=value</c> for each location setting given
    /// (in <see cref="LocationKeys"/> order); provider names hold no '/', so the parts cannot run into each other.
    /// </summary>
    public static string TargetOf(string provider, string scaleGroup, IReadOnlyDictionary<string, string>? settings = null)
    {
        var location = settings is null ? "" : string.Concat(LocationKeys.Where(k => settings.TryGetValue(k, out var v) && !string.IsNullOrEmpty(v)).Select(k => $"@{k}={settings[k]}"));
        return $"{provider}/{scaleGroup}{location}";
    }

    /// <summary>The service the binding belongs to, for messages and metrics.</summary>
    public string Service { get; init; } = ScaleGroup;

    /// <summary>
    /// The service's offerings with their prices and capacities: a provider that cannot read prices (Kubernetes)
    /// or simulates them (the simulated cloud) takes them from here; validators check every offering is mapped.
    /// </summary>
    public InstanceCatalog Catalog { get; init; } = new([]);

    /// <summary>Launch to serving, as the policy declares it (the simulated cloud's boot delay).</summary>
    public TimeSpan BootDelay { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Shortest billed run of an instance (the simulated cloud's billing).</summary>
    public TimeSpan BillingMinimum { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>What a simulated group starts with; real providers ignore it (their groups already exist).</summary>
    public Fleet InitialFleet { get; init; } = Fleet.Empty;

    /// <summary>The serverless overflow the service may route to; null when none.</summary>
    public ServerlessOffering? Serverless { get; init; }

    /// <summary>The provider group that holds <paramref name="offering"/>, or null when the binding does not map it.</summary>
    public string? GroupOf(string offering) => Groups.TryGetValue(offering, out var group) ? group : null;

    /// <summary>The setting's value, or null when the policy does not give it.</summary>
    public string? Setting(string key) => Settings.TryGetValue(key, out var value) ? value : null;
}
