using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Dso.Ingestion.Prometheus;

/// <summary>
/// Timeout per attempt inside retries with exponential, jittered backoff, inside an overall timeout. Network
/// timeouts run on the real clock even when the loop runs on an accelerated one: Prometheus does not speed up.
/// </summary>
internal static class PrometheusResilience
{
    public static ResiliencePipeline Create(PrometheusSourceOptions options, ILogger logger, string service)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = TimeProvider.System }
            .AddTimeout(options.TotalTimeout);
        if (options.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<PrometheusQueryException>(e => e.IsTransient),
                MaxRetryAttempts = options.Retries,
                Delay = options.Backoff,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    PrometheusLog.Retrying(logger, service, options.Url, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message);
                    return default;
                },
            });
        }

        return builder.AddTimeout(options.AttemptTimeout).Build();
    }
}
