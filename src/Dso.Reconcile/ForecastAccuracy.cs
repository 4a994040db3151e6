namespace Dso.Reconcile;

/// <summary>How well the service's forecaster has been doing lately (exported as metrics; drives retraining).</summary>
public sealed record ForecastAccuracy(double RollingMase, double IntervalCoverage, int RetrainCount, string? LastRetrainReason, int? ModelVersion);
