namespace Dso.Forecasting;

/// <summary>
/// Forecasts one KPI series (usually the request rate) online. Observe points in time order; Predict gives
/// quantiles for each of the next steps. One instance per series; not thread-safe.
/// </summary>
public interface IDemandForecaster
{
    /// <summary>Adds a point. A weight below 1 (an anomalous point) lowers its influence on training.</summary>
    void Observe(DateTimeOffset timestamp, double value, double weight = 1.0);

    /// <summary>Quantile forecasts for the next <paramref name="steps"/> steps after the last observed point.</summary>
    DemandForecast Predict(int steps);
}
