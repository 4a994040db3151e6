using System.ComponentModel.DataAnnotations;

namespace Dso.Forecasting;

/// <summary>
/// Settings of the service's demand forecaster. Defaults are named constants so the policy file, the docs and the
/// tests agree on them; [Range] limits are checked by <see cref="Validate"/> (the factory calls it).
/// </summary>
public sealed class ForecasterOptions
{
    public static readonly TimeSpan DefaultHorizon = TimeSpan.FromHours(2);
    public static readonly TimeSpan DefaultRetrainInterval = TimeSpan.FromDays(1);
    public static readonly TimeSpan DefaultTrainingWindow = TimeSpan.FromDays(28);
    public const int DefaultMinTrainingPoints = 240;
    public const int DefaultMinPointsBetweenRetrains = 288;
    public const int DefaultMinTrainingWindowPoints = 4000;
    public const int DefaultMaxTrainingSamples = 4000;
    public const int DefaultMaxHistoryPoints = 45_000;
    public const int DefaultNumberOfTrees = 60;
    public const int DefaultNumberOfLeaves = 24;
    public const int DefaultCalibrationWindow = 600;
    public const double DefaultIntervalCoverage = 0.80;
    public const double DefaultCoverageAdaptationRate = 0.005;
    public const double DefaultDriftMaseRatio = 1.25;
    public const int DefaultAccuracyWindow = 500;
    public const double DefaultLowDemandQuantile = 0.25;
    public const double DefaultPeakDemandQuantile = 0.90;
    public const int DefaultSeed = 17;

    /// <summary>How far ahead forecasts are calibrated (Predict may ask for more; those steps reuse the last calibration).</summary>
    public TimeSpan Horizon { get; set; } = DefaultHorizon;

    /// <summary>The series' step; null infers it from the first observations (1-min, 5-min, hourly ...).</summary>
    public TimeSpan? Step { get; set; }

    /// <summary>Scheduled retraining period (in series time, not wall-clock time, so simulations behave like the service).</summary>
    public TimeSpan RetrainInterval { get; set; } = DefaultRetrainInterval;

    /// <summary>Only this much recent history trains a model, which bounds training cost and lets old regimes age out.</summary>
    public TimeSpan TrainingWindow { get; set; } = DefaultTrainingWindow;

    /// <summary>
    /// Scheduled retraining also waits for this many new points: a daily retrain of an hourly series would learn from
    /// 24 new points at the cost of a full training, and simulations replay years of such series.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MinPointsBetweenRetrains { get; set; } = DefaultMinPointsBetweenRetrains;

    /// <summary>The training window is widened to at least this many points, so coarse series (hourly) get enough examples.</summary>
    [Range(100, 10_000_000)]
    public int MinTrainingWindowPoints { get; set; } = DefaultMinTrainingWindowPoints;

    /// <summary>Below this many points the seasonal baseline forecasts alone (too few examples for trees).</summary>
    [Range(50, 1_000_000)]
    public int MinTrainingPoints { get; set; } = DefaultMinTrainingPoints;

    /// <summary>Training examples drawn (origin, horizon) from the window; bounds retraining time.</summary>
    [Range(200, 1_000_000)]
    public int MaxTrainingSamples { get; set; } = DefaultMaxTrainingSamples;

    /// <summary>Points kept in memory; the oldest are dropped. Must cover a week plus the horizon for weekly features.</summary>
    [Range(1_000, 10_000_000)]
    public int MaxHistoryPoints { get; set; } = DefaultMaxHistoryPoints;

    [Range(10, 2_000)]
    public int NumberOfTrees { get; set; } = DefaultNumberOfTrees;

    [Range(2, 256)]
    public int NumberOfLeaves { get; set; } = DefaultNumberOfLeaves;

    /// <summary>Recent out-of-sample residuals per horizon step the conformal quantiles come from.</summary>
    [Range(50, 100_000)]
    public int CalibrationWindow { get; set; } = DefaultCalibrationWindow;

    /// <summary>Target share of actuals inside [p10, p90]; 0.8 by definition of those quantiles.</summary>
    [Range(0.5, 0.99)]
    public double IntervalCoverage { get; set; } = DefaultIntervalCoverage;

    /// <summary>Step size of adaptive conformal inference: how fast the interval reacts to misses.</summary>
    [Range(0.0, 0.1)]
    public double CoverageAdaptationRate { get; set; } = DefaultCoverageAdaptationRate;

    /// <summary>Retrain early (drift) when the rolling MASE exceeds this multiple of the seasonal baseline's rolling MASE
    /// over the same forecasts (the model has become clearly worse than the baseline), or when coverage is off by 15 points.</summary>
    [Range(0.5, 10.0)]
    public double DriftMaseRatio { get; set; } = DefaultDriftMaseRatio;

    /// <summary>Resolved forecasts the rolling MASE and coverage are computed over.</summary>
    [Range(20, 100_000)]
    public int AccuracyWindow { get; set; } = DefaultAccuracyWindow;

    /// <summary>A coming period whose p50 is below this quantile of the series' own last week is "low".</summary>
    [Range(0.0, 0.5)]
    public double LowDemandQuantile { get; set; } = DefaultLowDemandQuantile;

    /// <summary>A coming period whose p50 is above this quantile of the series' own last week is "peak".</summary>
    [Range(0.5, 1.0)]
    public double PeakDemandQuantile { get; set; } = DefaultPeakDemandQuantile;

    [Range(0, int.MaxValue)]
    public int Seed { get; set; } = DefaultSeed;

    /// <summary>Planned events; their multipliers are divided out of history and multiplied into forecasts.</summary>
    public EventCalendar? Events { get; set; }

    /// <summary>Name of the series, written to model manifests.</summary>
    public string SeriesName { get; set; } = "requests";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ArgumentException($"forecaster options: {results[0].ErrorMessage}");
        }

        CheckPositive(Horizon, nameof(Horizon));
        CheckPositive(RetrainInterval, nameof(RetrainInterval));
        CheckPositive(TrainingWindow, nameof(TrainingWindow));
        if (Step is { } step)
        {
            CheckPositive(step, nameof(Step));
        }
    }

    private static void CheckPositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"forecaster options: {name} must be positive (was {value})");
        }
    }
}
