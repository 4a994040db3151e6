using Dso.Forecasting;

namespace Dso.Reconcile;

/// <summary>A retrainable forecaster's accuracy figures at one moment.</summary>
internal readonly record struct ForecastFigures(double RollingMase, double IntervalCoverage, int RetrainCount, string? LastRetrainReason)
{
    public static ForecastFigures? Of(IDemandForecaster? forecaster) => forecaster is IRetrainableForecaster r
        ? new ForecastFigures(r.RollingMase, r.IntervalCoverage, r.RetrainCount, r.LastRetrainReason)
        : null;

    public ForecastAccuracy With(int? modelVersion) => new(RollingMase, IntervalCoverage, RetrainCount, LastRetrainReason, modelVersion);
}
