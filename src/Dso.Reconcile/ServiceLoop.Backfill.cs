using Dso.Abstractions.Metrics;

namespace Dso.Reconcile;

/// <summary>
/// Backfill: warms detectors and the forecaster from the source's history on the first tick, so a restarted or new
/// loop does not forecast cold. A source that cannot answer is noted in the log; the loop starts without history.
/// </summary>
public sealed partial class ServiceLoop
{
    private async Task BackfillAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_deps.Source is not IHistoricalMetricSource history)
        {
            return;
        }

        IReadOnlyList<KpiReading> readings;
        try
        {
            readings = await history.BackfillAsync(Policy.Name, now - history.BackfillWindow, now - Policy.Tick, Policy.Tick, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await _deps.Log.AppendEventAsync(Policy.Name, now, "backfill_failed", $"starting without history: {ex.Message}", cancellationToken).ConfigureAwait(false);
            return;
        }

        var sensing = readings.Count > 0 ? OwnSensing : _sensing;
        foreach (var reading in readings)
        {
            sensing.Warm(reading);
            if (reading.TryGet(KpiNames.RequestRate, out var demand))
            {
                _zeroTraffic.LooksLikeOutage(reading.Timestamp, demand, ZeroTrafficHold);
            }
        }

        if (readings.Count > 0)
        {
            sensing.SeenUpTo(readings[^1].Timestamp);
        }

        await _deps.Log.AppendEventAsync(Policy.Name, now, "backfill", $"{readings.Count} past readings from '{Policy.Metrics.Source}'", cancellationToken).ConfigureAwait(false);
    }
}
