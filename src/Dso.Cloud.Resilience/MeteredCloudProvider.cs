using Dso.Abstractions.Cloud;
using Prometheus;

namespace Dso.Cloud.Resilience;

/// <summary>
/// Counts and times every call to a cloud adapter (<c>dso_cloud_calls_total{provider,operation,outcome}</c>,
/// <c>dso_cloud_call_duration_seconds{provider,operation}</c>). Placed inside <see cref="ResilientCloudProvider"/>
/// it sees each attempt, so throttling and retries show up as the provider saw them.
/// </summary>
public sealed class MeteredCloudProvider : ICloudProvider
{
    private readonly ICloudProvider _inner;
    private readonly TimeProvider _time;
    private readonly Counter _calls;
    private readonly Histogram _duration;

    public MeteredCloudProvider(ICloudProvider inner, CollectorRegistry? registry = null, TimeProvider? time = null)
    {
        _inner = inner;
        _time = time ?? TimeProvider.System;
        var factory = Metrics.WithCustomRegistry(registry ?? Metrics.DefaultRegistry);
        _calls = factory.CreateCounter("dso_cloud_calls_total", "Calls to cloud adapters by outcome (an apply status, or the error kind).",
            "provider", "operation", "outcome");
        _duration = factory.CreateHistogram("dso_cloud_call_duration_seconds", "Duration of one call to a cloud adapter.",
            new HistogramConfiguration
            {
                LabelNames = ["provider", "operation"],
                Buckets = Histogram.ExponentialBuckets(0.005, 2, 14),
            });
    }

    public string Name => _inner.Name;

    public async Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        try
        {
            var state = await _inner.GetFleetAsync(scaleGroup, cancellationToken).ConfigureAwait(false);
            Record(CloudOperations.GetFleet, "ok", started);
            return state;
        }
        catch (Exception ex)
        {
            Record(CloudOperations.GetFleet, OutcomeOf(ex), started);
            throw;
        }
    }

    public async Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        try
        {
            var result = await _inner.ApplyAsync(request, cancellationToken).ConfigureAwait(false);
            Record(CloudOperations.Apply, result.Status.ToString().ToLowerInvariant(), started);
            return result;
        }
        catch (Exception ex)
        {
            Record(CloudOperations.Apply, OutcomeOf(ex), started);
            throw;
        }
    }

    private void Record(string operation, string outcome, long started)
    {
        _calls.WithLabels(Name, operation, outcome).Inc();
        _duration.WithLabels(Name, operation).Observe(_time.GetElapsedTime(started).TotalSeconds);
    }

    private static string OutcomeOf(Exception exception) => exception switch
    {
        CloudProviderException cloud => cloud.Kind.ToString().ToLowerInvariant(),
        OperationCanceledException => "canceled",
        _ => "error",
    };
}
