using System.Threading.RateLimiting;
using Dso.Abstractions.Cloud;
using Prometheus;

namespace Dso.Cloud.Resilience;

/// <summary>
/// Takes a token from the account's bucket before each call attempt (it sits inside the retries, so a retry
/// waits its turn too). A call that finds the queue full fails as <see cref="CloudErrorKind.Throttled"/>, which
/// the resilience pipeline retries with backoff like the provider's own throttling.
/// </summary>
internal sealed class RateLimitedCloudProvider(ICloudProvider inner, RateLimiter limiter, string account) : ICloudProvider
{
    internal static readonly Counter Waited = Metrics.CreateCounter("dso_cloud_rate_limited_total",
        "Cloud calls the per-account rate limiter held back: waited for a token, or rejected because the queue was full.",
        "provider", "account", "result");

    public string Name => inner.Name;

    public async Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken)
    {
        await AcquireAsync(CloudOperations.GetFleet, scaleGroup, cancellationToken).ConfigureAwait(false);
        return await inner.GetFleetAsync(scaleGroup, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken)
    {
        await AcquireAsync(CloudOperations.Apply, request.ScaleGroup, cancellationToken).ConfigureAwait(false);
        return await inner.ApplyAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task AcquireAsync(string operation, string scaleGroup, CancellationToken cancellationToken)
    {
        // Token buckets do not hand tokens back: disposing the lease at once is right.
        using var now = limiter.AttemptAcquire(1);
        if (now.IsAcquired)
        {
            return;
        }

        Waited.WithLabels(Name, account, "waited").Inc();
        using var later = await limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!later.IsAcquired)
        {
            Waited.WithLabels(Name, account, "rejected").Inc();
            var retryAfter = later.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : (TimeSpan?)null;
            throw new CloudProviderException(
                $"{operation} on scale group '{scaleGroup}' ({Name}): not attempted, the rate limit of account '{account}' is exhausted and its queue is full",
                CloudErrorKind.Throttled, retryAfter: retryAfter);
        }
    }
}
