using Dso.Abstractions.Cloud;

namespace Dso.Cloud.Simulated;

/// <summary>
/// <c>provider: simulated</c>: every service's group lives in one <see cref="SimulatedCloud"/>, created with the
/// policy's catalog, boot delay, billing minimum and initial fleet. It takes no settings; groups are optional
/// (the whole fleet is one simulated group named by <c>scale_group</c>).
/// </summary>
public sealed class SimulatedCloudFactory(SimulatedCloud cloud) : ICloudProviderFactory
{
    public SimulatedCloudFactory(TimeProvider time, string? statePath = null)
        : this(new SimulatedCloud(time, statePath))
    {
    }

    public string Name => SimulatedCloud.ProviderName;

    /// <summary>The cloud behind every group this factory creates (tests and the simulator read its bill).</summary>
    public SimulatedCloud Cloud => cloud;

    public IReadOnlyList<string> Validate(ProviderBinding binding) =>
        binding.Settings.Keys.Select(k => $"settings.{k}: unknown setting (the simulated provider takes none)").ToArray();

    public ICloudProvider Create(ProviderBinding binding)
    {
        cloud.EnsureGroup(binding.ScaleGroup, new SimulatedGroupSettings(binding.Catalog, binding.BootDelay, binding.BillingMinimum, binding.InitialFleet) { Serverless = binding.Serverless });
        return cloud;
    }
}
