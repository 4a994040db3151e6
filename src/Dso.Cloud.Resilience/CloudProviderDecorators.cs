using Dso.Abstractions.Cloud;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Dso.Cloud.Resilience;

/// <summary>
/// The usual stack for a real adapter: <c>adapter.WithMetrics().WithResilience(options)</c> times each attempt
/// and retries around them.
/// </summary>
public static class CloudProviderDecorators
{
    public static ICloudProvider WithMetrics(this ICloudProvider provider, CollectorRegistry? registry = null, TimeProvider? time = null) =>
        new MeteredCloudProvider(provider, registry, time);

    public static ICloudProvider WithResilience(this ICloudProvider provider, CloudResilienceOptions options, ILogger? logger = null, TimeProvider? time = null) =>
        new ResilientCloudProvider(provider, options, logger, time);
}
