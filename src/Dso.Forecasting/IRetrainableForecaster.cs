namespace Dso.Forecasting;

/// <summary>
/// The service's forecaster beyond the basic contract: accuracy figures to export as metrics, retraining control,
/// model hand-over to and from the <see cref="ModelRegistry"/>, and demand scenarios.
/// </summary>
public interface IRetrainableForecaster : IDemandForecaster
{
    /// <summary>Grid step (inferred from the data unless set in the options); zero before two points.</summary>
    TimeSpan Step { get; }

    /// <summary>Rolling MASE of published forecasts at the full horizon (NaN until some resolve).</summary>
    double RollingMase { get; }

    /// <summary>Rolling share of actuals inside the published [p10, p90] at the full horizon (NaN until some resolve).</summary>
    double IntervalCoverage { get; }

    int RetrainCount { get; }

    /// <summary>"initial", "schedule", "growth", "drift" or "manual"; null before the first model.</summary>
    string? LastRetrainReason { get; }

    /// <summary>The model in use; null while the seasonal baseline forecasts alone.</summary>
    TrainedDemandModel? CurrentModel { get; }

    /// <summary>Raised after each successful training, e.g. so the service can register the model.</summary>
    event Action<TrainedDemandModel>? ModelTrained;

    /// <summary>Trains now on the recent window; false when history is still too short.</summary>
    bool Retrain(string reason = "manual");

    /// <summary>Switches to a given model (e.g. the registry's active version); throws if it was trained for another step or layout.</summary>
    void UseModel(TrainedDemandModel model);

    /// <summary>Low / normal / peak periods of a forecast, relative to this series' last week.</summary>
    IReadOnlyList<DemandPeriod> ClassifyScenarios(DemandForecast forecast);
}
