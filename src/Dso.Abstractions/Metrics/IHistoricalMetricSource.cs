namespace Dso.Abstractions.Metrics;

/// <summary>
/// A metric source that can also answer for the past (Prometheus range queries, the push store's history),
/// so a loop starting cold can warm its detectors and forecaster instead of waiting a day for seasonality.
/// Optional: the loop checks for it with <c>source is IHistoricalMetricSource</c> on its first tick.
/// </summary>
public interface IHistoricalMetricSource
{
    /// <summary>How far back a cold loop should ask (the policy's <c>metrics.options.backfill</c>, a day by default).</summary>
    TimeSpan BackfillWindow { get; }

    /// <summary>
    /// KPI readings at each <paramref name="step"/> in [<paramref name="from"/>, <paramref name="to"/>], oldest first.
    /// Steps with no data are left out (never zero-filled); a step with only some KPIs is <see cref="SourceHealth.Degraded"/>.
    /// Throws when the source cannot be reached: the caller logs why and starts without history.
    /// </summary>
    Task<IReadOnlyList<KpiReading>> BackfillAsync(string service, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken);
}
