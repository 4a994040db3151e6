namespace Dso.Forecasting.Model;

/// <summary>A published anchor forecast waiting for its actual (to feed the calibrator and the accuracy figures).</summary>
internal readonly record struct PendingForecast(long Target, double Point, double Baseline, double ModelPoint, double Noise, double ResidualLow, double ResidualHigh);
