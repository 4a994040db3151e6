namespace Dso.Abstractions.Cloud;

/// <summary>
/// A cloud provider plug-in, registered by name like the strategies and chosen by a policy's
/// <c>provider</c>. The host asks it for one <see cref="ICloudProvider"/> per service binding.
/// </summary>
public interface ICloudProviderFactory
{
    /// <summary>The name policies use (<c>simulated</c>, <c>aws</c>, <c>azure</c>, <c>kubernetes</c>).</summary>
    string Name { get; }

    /// <summary>Every problem with the binding's settings and groups (unknown setting, missing group), as "field: problem".</summary>
    IReadOnlyList<string> Validate(ProviderBinding binding);

    /// <summary>A provider for one service's binding; credentials come from the SDK's standard chain.</summary>
    ICloudProvider Create(ProviderBinding binding);
}
