using Dso.Abstractions.Cloud;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Dso.Cloud.Azure;

public static class AzureCloudServiceCollectionExtensions
{
    /// <summary>Registers the <c>azure</c> provider plug-in (one VM scale set per offering).</summary>
    public static IServiceCollection AddAzureCloudProvider(this IServiceCollection services, TimeProvider? time = null)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICloudProviderFactory, AzureProviderFactory>(
            sp => new AzureProviderFactory(time ?? TimeProvider.System, sp.GetService<ILoggerFactory>())));
        return services;
    }
}
