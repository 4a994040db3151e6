namespace Dso.Abstractions.Cloud;

/// <summary>
/// A cloud provider plug-in, registered by name like the strategies and chosen by a policy's
/// <c>provider</c>. The host asks it for one <see cref="ICloudProvider"/> per service binding and wraps what it
/// returns in the resilience and metrics decorators, so a factory returns the bare adapter.
/// </summary>
public interface ICloudProviderFactory
{
    /// <summary>The name policies use (<c>simulated</c>, <c>aws</c>, <c>azure</c>, <c>kubernetes</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Every problem with the binding's settings and groups (unknown setting, missing group), as
    /// "field: problem" where field is <c>settings.KEY</c>, <c>groups.OFFERING</c> or <c>groups</c>; the policy
    /// loader places each at that key's line and column. Must not call the cloud (it runs on every reload).
    /// </summary>
    IReadOnlyList<string> Validate(ProviderBinding binding);

    /// <summary>A provider for one service's binding; credentials come from the SDK's standard chain.</summary>
    ICloudProvider Create(ProviderBinding binding);

    /// <summary>
    /// The account the binding's calls count against (e.g. <c>aws:us-east-1</c>, an Azure subscription), so one
    /// rate limiter is shared by every service on the same account. Defaults to the provider's name.
    /// </summary>
    string AccountOf(ProviderBinding binding) => binding.Provider;
}
