using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Dso.Cloud.Resilience;

/// <summary>
/// The token buckets, one per provider account, shared by every service whose calls count against that account
/// and kept across policy reloads (the host holds one instance). Buckets run on real time on purpose: the
/// provider's limits are in real seconds even when the service clock is accelerated.
/// </summary>
public sealed class CloudRateLimiters(CloudRateLimitOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<string, RateLimiter?> _buckets = new(StringComparer.Ordinal);

    /// <summary>The bucket of <paramref name="account"/>, created on first use; null when the provider is not limited.</summary>
    public RateLimiter? For(string provider, string account) =>
        _buckets.GetOrAdd($"{provider}|{account}", _ => Create(options.For(provider)));

    public void Dispose()
    {
        foreach (var bucket in _buckets.Values)
        {
            bucket?.Dispose();
        }
    }

    private static TokenBucketRateLimiter? Create(CloudRateLimit limit) =>
        limit.PermitsPerSecond <= 0 ? null : new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / limit.PermitsPerSecond),
            QueueLimit = limit.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
}
