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

        foreach (var reading in readings)
        {
            foreach (var (kpi, value) in reading.Values)
            {
                if (double.IsFinite(value))
                {
                    Detector(kpi)?.Observe(reading.Timestamp, value);
                }
            }

            if (reading.TryGet(KpiNames.RequestRate, out var demand))
            {
                _forecaster?.Observe(reading.Timestamp, demand);
                _zeroTraffic.LooksLikeOutage(reading.Timestamp, demand, ZeroTrafficHold);
                _lastDemand = demand;
            }
        }

        if (readings.Count > 0)
        {
            _lastObserved = readings[^1].Timestamp;
        }

        await _deps.Log.AppendEventAsync(Policy.Name, now, "backfill", $"{readings.Count} past readings from '{Policy.Metrics.Source}'", cancellationToken).ConfigureAwait(false);
    }
}
