namespace Dso.Forecasting.Model;

/// <summary>Point forecasts at the anchors from one origin, plus what is needed to turn them into quantiles.</summary>
internal sealed record AnchorForecast(long Origin, double[] Point, double[] Baseline, double[] ModelPoint, double Noise, ConformalCalibrator.Snapshot[] Residuals);
