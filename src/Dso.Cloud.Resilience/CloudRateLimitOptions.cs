using System.ComponentModel.DataAnnotations;

namespace Dso.Cloud.Resilience;

/// <summary>
/// Client-side rate limits on cloud calls (configuration section <c>Cloud:RateLimits</c>): one token bucket per
/// provider account (an AWS region and endpoint, an Azure subscription, a Kubernetes cluster), shared by every
/// service on it, so several services cannot together exceed the provider's API limits. A call waits for a token
/// (bounded by the tick's deadline and <see cref="QueueLimit"/>); past the queue it fails as <c>Throttled</c>.
/// </summary>
public sealed class CloudRateLimitOptions
{
    public const string Section = "Cloud:RateLimits";

    /// <summary>client-go's own default (5 QPS, burst 10); well under the AWS Auto Scaling and Azure ARM per-account limits.</summary>
    public const double DefaultPermitsPerSecond = 5;
    public const int DefaultBurst = 10;
    public const int DefaultQueueLimit = 100;

    /// <summary>Sustained calls per second per account; 0 turns the limit off.</summary>
    [Range(0, 10_000)]
    public double PermitsPerSecond { get; set; } = DefaultPermitsPerSecond;

    /// <summary>Calls an idle account may make at once (the bucket's size).</summary>
    [Range(1, 100_000)]
    public int Burst { get; set; } = DefaultBurst;

    /// <summary>Calls that may wait for a token per account; one more fails at once as throttled (and is retried).</summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = DefaultQueueLimit;

    /// <summary>
    /// Per provider name (<c>aws</c>, <c>azure</c>, <c>kubernetes</c>, <c>simulated</c>): its own rate and burst.
    /// The simulated cloud is in-process and unlimited unless configured here.
    /// </summary>
    public Dictionary<string, CloudRateLimit> Providers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The limit for a provider: its override, else the defaults (the simulated cloud: none).</summary>
    public CloudRateLimit For(string provider) =>
        Providers.TryGetValue(provider, out var own) ? own
        : provider == "simulated" ? new CloudRateLimit { PermitsPerSecond = 0 }
        : new CloudRateLimit { PermitsPerSecond = PermitsPerSecond, Burst = Burst, QueueLimit = QueueLimit };
}

/// <summary>One provider's rate limit per account.</summary>
public sealed class CloudRateLimit
{
    [Range(0, 10_000)]
    public double PermitsPerSecond { get; set; } = CloudRateLimitOptions.DefaultPermitsPerSecond;

    [Range(1, 100_000)]
    public int Burst { get; set; } = CloudRateLimitOptions.DefaultBurst;

    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = CloudRateLimitOptions.DefaultQueueLimit;
}
