using Dso.Abstractions.Cloud;
using Dso.Cloud.Simulated;

namespace Dso.Controller.Composition;

/// <summary>
/// The cloud provider plug-ins this build ships, in one list, so the service, <c>dso validate</c> and the policy
/// loader agree on the known names. Add a provider here (and only here).
/// </summary>
internal static class CloudProviders
{
    /// <param name="time">The clock the simulated cloud boots and bills on.</param>
    /// <param name="simulatedStatePath">Where the simulated cloud keeps its groups across restarts; null keeps them in memory.</param>
    public static IReadOnlyList<ICloudProviderFactory> Factories(TimeProvider time, string? simulatedStatePath) =>
    [
        new SimulatedCloudFactory(time, simulatedStatePath),
    ];
}
