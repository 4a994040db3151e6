using Dso.Abstractions.Cloud;
using Dso.Cloud.Aws;
using Dso.Cloud.Azure;
using Dso.Cloud.Kubernetes;
using Dso.Cloud.Simulated;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dso.Controller.Composition;

/// <summary>
/// The cloud provider plug-ins this build ships, registered in one place, so the service, <c>dso validate</c> and
/// the policy loader agree on the known names. Add a provider here (and only here).
/// </summary>
internal static class CloudProviders
{
    /// <param name="services">Where the <see cref="ICloudProviderFactory"/> plug-ins are added.</param>
    /// <param name="time">The clock the simulated cloud boots and bills on.</param>
    /// <param name="simulated">The simulated cloud every <c>provider: simulated</c> service's group lives in.</param>
    public static IServiceCollection AddCloudProviders(this IServiceCollection services, TimeProvider time, SimulatedCloud simulated)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICloudProviderFactory, SimulatedCloudFactory>(_ => new SimulatedCloudFactory(simulated)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICloudProviderFactory, AwsProviderFactory>(sp => new AwsProviderFactory(sp.GetService<ILoggerFactory>(), time)));
        services.AddAzureCloudProvider(time);
        services.AddKubernetesCloudProvider(time);
        return services;
    }

    /// <summary>The plug-ins on their own (for checking policies outside the service): no state file, the system clock.</summary>
    public static IReadOnlyList<ICloudProviderFactory> ForValidation()
    {
        var services = new ServiceCollection().AddCloudProviders(TimeProvider.System, new SimulatedCloud(TimeProvider.System));
        return services.BuildServiceProvider().GetServices<ICloudProviderFactory>().ToArray();
    }
}
