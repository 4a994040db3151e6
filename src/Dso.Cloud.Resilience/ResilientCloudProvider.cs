using Dso.Abstractions.Cloud;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Dso.Cloud.Resilience;

/// <summary>
/// Decorates any cloud adapter with a deadline per attempt, retries with exponential backoff and jitter (or the
/// provider's Retry-After) for transient kinds only, and a circuit breaker, so every adapter behaves alike under
/// faults. Whatever escapes is a <see cref="CloudProviderException"/> saying what was in progress, or the
/// caller's own cancellation: the loop never sees an SDK's exception type.
/// </summary>
public sealed class ResilientCloudProvider : ICloudProvider
{
    private static readonly ResiliencePropertyKey<string> OperationKey = new("dso.cloud.operation");
    private static readonly ResiliencePropertyKey<string> GroupKey = new("dso.cloud.scale-group");

    private readonly ICloudProvider _inner;
    private readonly CloudResilienceOptions _options;
    private readonly ResiliencePipeline _pipeline;

    public ResilientCloudProvider(ICloudProvider inner, CloudResilienceOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        _inner = inner;
        _options = options;
        _pipeline = Build(inner.Name, options, logger ?? NullLogger.Instance, time ?? TimeProvider.System);
    }

    public string Name => _inner.Name;

    public Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken) =>
        ExecuteAsync(CloudOperations.GetFleet, scaleGroup, (provider, token) => provider.GetFleetAsync(scaleGroup, token), cancellationToken);

    public Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken) =>
        // Safe to retry: the idempotency key makes a repeated apply a no-op at the adapter.
        ExecuteAsync(CloudOperations.Apply, request.ScaleGroup, (provider, token) => provider.ApplyAsync(request, token), cancellationToken);

    private async Task<T> ExecuteAsync<T>(string operation, string scaleGroup, Func<ICloudProvider, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(OperationKey, operation);
        context.Properties.Set(GroupKey, scaleGroup);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (ctx, state) => await state.call(state.inner, ctx.CancellationToken).ConfigureAwait(false),
                context,
                (call, inner: _inner)).ConfigureAwait(false);
        }
        catch (CloudProviderException)
        {
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BrokenCircuitException ex)
        {
            throw new CloudProviderException(
                $"{operation} on scale group '{scaleGroup}' ({Name}): not attempted, the circuit is open after repeated transient failures",
                CloudErrorKind.Unavailable, ex, ex.RetryAfter);
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or OperationCanceledException)
        {
            throw new CloudProviderException(
                $"{operation} on scale group '{scaleGroup}' ({Name}): no answer within {_options.CallTimeout.TotalSeconds:0.###}s (after {_options.MaxRetries} retries)",
                CloudErrorKind.Timeout, ex);
        }
        catch (Exception ex)
        {
            // An SDK exception the adapter did not map: terminal, since nothing says a retry would help.
            throw new CloudProviderException(
                $"{operation} on scale group '{scaleGroup}' ({Name}) failed unexpectedly: {ex.GetType().Name}: {ex.Message}",
                CloudErrorKind.Unknown, ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static ResiliencePipeline Build(string provider, CloudResilienceOptions options, ILogger logger, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => new ValueTask<bool>(IsTransient(args.Outcome.Exception, args.Context)),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                DelayGenerator = args => new ValueTask<TimeSpan?>(
                    args.Outcome.Exception is CloudProviderException { RetryAfter: { } after }
                        ? TimeSpan.FromTicks(Math.Min(after.Ticks, options.MaxDelay.Ticks))
                        : null),
                OnRetry = args =>
                {
                    CloudResilienceLog.Retrying(logger, provider,
                        args.Context.Properties.GetValue(OperationKey, "call"), args.Context.Properties.GetValue(GroupKey, "?"),
                        KindOf(args.Outcome.Exception), args.Outcome.Exception?.Message, args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = args => new ValueTask<bool>(IsTransient(args.Outcome.Exception, args.Context)),
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakDuration,
            OnOpened = _ =>
            {
                CloudResilienceLog.CircuitOpened(logger, provider, options.BreakDuration);
                return default;
            },
            OnClosed = _ =>
            {
                CloudResilienceLog.CircuitClosed(logger, provider);
                return default;
            },
        });
        return builder.AddTimeout(options.CallTimeout).Build();
    }

    /// <summary>
    /// Retry (and count towards the breaker) only what may succeed on its own: the transient kinds, a missed
    /// deadline, and a cancellation that was not the caller's (an SDK's own HTTP timeout).
    /// </summary>
    private static bool IsTransient(Exception? exception, ResilienceContext context) => exception switch
    {
        CloudProviderException cloud => cloud.IsTransient,
        TimeoutRejectedException => true,
        OperationCanceledException => !context.CancellationToken.IsCancellationRequested,
        _ => false,
    };

    private static string KindOf(Exception? exception) => exception switch
    {
        CloudProviderException cloud => cloud.Kind.ToString(),
        TimeoutRejectedException => nameof(CloudErrorKind.Timeout),
        null => "none",
        _ => exception.GetType().Name,
    };
}
