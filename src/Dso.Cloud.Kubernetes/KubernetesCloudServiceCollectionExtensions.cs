using Dso.Abstractions.Cloud;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Dso.Cloud.Kubernetes;

public static class KubernetesCloudServiceCollectionExtensions
{
    /// <summary>Registers the <c>kubernetes</c> provider plug-in (one Deployment or StatefulSet per offering).</summary>
    public static IServiceCollection AddKubernetesCloudProvider(this IServiceCollection services, TimeProvider? time = null)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICloudProviderFactory, KubernetesProviderFactory>(
            sp => new KubernetesProviderFactory(time ?? TimeProvider.System, sp.GetService<ILoggerFactory>())));
        return services;
    }
}
