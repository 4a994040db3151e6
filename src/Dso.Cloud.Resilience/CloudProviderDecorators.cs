using Dso.Abstractions.Cloud;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Dso.Cloud.Resilience;

/// <summary>
/// The usual stack for a real adapter: <c>adapter.WithMetrics().WithRateLimit(...).WithResilience(options)</c>
/// times each attempt, paces it against the account's limit, and retries around them.
/// </summary>
public static class CloudProviderDecorators
{
    public static ICloudProvider WithMetrics(this ICloudProvider provider, CollectorRegistry? registry = null, TimeProvider? time = null) =>
        new MeteredCloudProvider(provider, registry, time);

    /// <summary>
    /// Shares the account's token bucket with every other service on it; unchanged when the provider is not
    /// limited (the simulated cloud, or a rate of 0).
    /// </summary>
    public static ICloudProvider WithRateLimit(this ICloudProvider provider, CloudRateLimiters limiters, string providerName, string account) =>
        limiters.For(providerName, account) is { } bucket ? new RateLimitedCloudProvider(provider, bucket, account) : provider;

    public static ICloudProvider WithResilience(this ICloudProvider provider, CloudResilienceOptions options, ILogger? logger = null, TimeProvider? time = null) =>
        new ResilientCloudProvider(provider, options, logger, time);
}
