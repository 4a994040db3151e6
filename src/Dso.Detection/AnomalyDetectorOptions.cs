using System.ComponentModel.DataAnnotations;

namespace Dso.Detection;

/// <summary>
/// Settings of the default streaming detector. The defaults were chosen once, on the whole NAB corpus, and are
/// meant to work across KPI series without per-series tuning; change them only for a fleet-wide reason.
/// Counts are in points (rows), not wall-clock time, so the detector behaves the same at any sampling rate.
/// Tolerances are fractions of the feature's own range over the look-back.
/// </summary>
public sealed class AnomalyDetectorOptions
{
    public const double DefaultThreshold = 0.5;
    public const int DefaultWarmupPoints = 288;
    public const int DefaultHistoryPoints = 4096;
    public const int DefaultMinPeriod = 4;
    public const int DefaultMaxPeriod = 2016;
    public const int DefaultSeasonalityCheckInterval = 256;
    public const int DefaultRecordLookBack = 5000;
    public const int DefaultRecordDelay = 1;
    public const double DefaultRecordMarkSize = 0.0;
    public const int DefaultRecordConfidencePoints = 600;
    public const double DefaultRecordGapHalf = 500;
    public const double DefaultGlobalGapHalf = 300;
    public const double DefaultRecordMagnitudePower = 0.5;
    public const double DefaultRecordScale = 0.1;
    public const double DefaultRecordScoreFloor = 0.35;
    public const int DefaultMomentWindow = 24;
    public const int DefaultMedianWindow = 3;
    public const int DefaultSpreadWindow = 24;
    public const double DefaultValueTolerance = 0.02;
    public const double DefaultErrorTolerance = 0.25;
    public const double DefaultSeasonalErrorTolerance = 0.6;
    public const double DefaultMeanTolerance = 0.02;
    public const double DefaultMedianTolerance = 0.2;
    public const double DefaultSpreadTolerance = 0.05;
    public const double DefaultSeasonalShiftTolerance = 0.05;
    public const double DefaultFeatureWeight = 1.0;
    public const int DefaultSuppressionPoints = 100;
    public const double DefaultSuppressionDamping = 0.3;

    /// <summary>Score at or above which <see cref="AnomalyResult.IsAnomaly"/> is true (records of some strength).</summary>
    [Range(0.0, 1.0)]
    public double Threshold { get; set; } = DefaultThreshold;

    /// <summary>Points seen before any non-zero score: a day of 5-minute points, so a first cycle is not news.</summary>
    [Range(10, 100_000)]
    public int WarmupPoints { get; set; } = DefaultWarmupPoints;

    /// <summary>Points of history kept for seasonality detection and the seasonal baseline (two periods at least).</summary>
    [Range(64, 1_000_000)]
    public int HistoryPoints { get; set; } = DefaultHistoryPoints;

    /// <summary>Shortest seasonal period (in points) the detector looks for.</summary>
    [Range(2, 100_000)]
    public int MinPeriod { get; set; } = DefaultMinPeriod;

    /// <summary>Longest seasonal period (in points); 2016 is a week of 5-minute points.</summary>
    [Range(2, 500_000)]
    public int MaxPeriod { get; set; } = DefaultMaxPeriod;

    /// <summary>How often (in points) the seasonal period is re-estimated.</summary>
    [Range(16, 100_000)]
    public int SeasonalityCheckInterval { get; set; } = DefaultSeasonalityCheckInterval;

    /// <summary>Points back over which a feature's extremes define "seen before" (5000 ≈ 17 days of 5-minute points).</summary>
    [Range(100, 1_000_000)]
    public int RecordLookBack { get; set; } = DefaultRecordLookBack;

    /// <summary>Points by which the look-back lags the present, so slow slides are measured from where they began.</summary>
    [Range(1, 100_000)]
    public int RecordDelay { get; set; } = DefaultRecordDelay;

    /// <summary>Size term (0..1) a record needs to end the quiet spell; smaller ones leave the clock running.</summary>
    [Range(0.0, 1.0)]
    public double RecordMarkSize { get; set; } = DefaultRecordMarkSize;

    /// <summary>Points of history after which a record counts in full; earlier ones score lower.</summary>
    [Range(1, 1_000_000)]
    public int RecordConfidencePoints { get; set; } = DefaultRecordConfidencePoints;

    /// <summary>Points since the same feature's previous record at which a new record is worth half.</summary>
    [Range(1.0, 1e7)]
    public double RecordGapHalf { get; set; } = DefaultRecordGapHalf;

    /// <summary>Points since a record of any feature at which a new record is worth half (0: not used).</summary>
    [Range(0.0, 1e7)]
    public double GlobalGapHalf { get; set; } = DefaultGlobalGapHalf;

    /// <summary>How much the size of the exceedance (besides the quiet spell before it) ranks a record.</summary>
    [Range(0.0, 10.0)]
    public double RecordMagnitudePower { get; set; } = DefaultRecordMagnitudePower;

    /// <summary>Exceedance beyond tolerance (in ranges) over which the size term climbs most of the way to 1.</summary>
    [Range(0.001, 100.0)]
    public double RecordScale { get; set; } = DefaultRecordScale;

    /// <summary>Lowest score of a record; the strength of the record fills the band from here to 1.</summary>
    [Range(0.0, 1.0)]
    public double RecordScoreFloor { get; set; } = DefaultRecordScoreFloor;

    /// <summary>Points in the short window whose mean is tracked for level shifts.</summary>
    [Range(2, 1000)]
    public int MomentWindow { get; set; } = DefaultMomentWindow;

    /// <summary>Points in the window whose standard deviation is tracked for variance changes.</summary>
    [Range(2, 1000)]
    public int SpreadWindow { get; set; } = DefaultSpreadWindow;

    /// <summary>Points in the short median tracked for level shifts that a single outlier cannot fake.</summary>
    [Range(1, 1000)]
    public int MedianWindow { get; set; } = DefaultMedianWindow;

    /// <summary>Tolerance of the value record: how far beyond its past extremes (in ranges) a value must go.</summary>
    [Range(0.0, 10.0)]
    public double ValueTolerance { get; set; } = DefaultValueTolerance;

    /// <summary>Tolerance of the one-step error record (spike size).</summary>
    [Range(0.0, 10.0)]
    public double ErrorTolerance { get; set; } = DefaultErrorTolerance;

    /// <summary>Tolerance of the seasonal error record (a sudden deviation from the usual shape of the cycle).</summary>
    [Range(0.0, 10.0)]
    public double SeasonalErrorTolerance { get; set; } = DefaultSeasonalErrorTolerance;

    /// <summary>Tolerance of the short-window mean record (level shift).</summary>
    [Range(0.0, 10.0)]
    public double MeanTolerance { get; set; } = DefaultMeanTolerance;

    /// <summary>Tolerance of the short-median record (level shift that a single outlier cannot fake).</summary>
    [Range(0.0, 10.0)]
    public double MedianTolerance { get; set; } = DefaultMedianTolerance;

    /// <summary>Tolerance of the seasonal shift record (mean change against the same phase one period ago).</summary>
    [Range(0.0, 10.0)]
    public double SeasonalShiftTolerance { get; set; } = DefaultSeasonalShiftTolerance;

    /// <summary>Tolerance of the short-window spread record (variance change, either way).</summary>
    [Range(0.0, 10.0)]
    public double SpreadTolerance { get; set; } = DefaultSpreadTolerance;

    /// <summary>Weight of the value record. Weights rank the features' records against each other (0 switches one off).</summary>
    [Range(0.0, 10.0)]
    public double ValueWeight { get; set; } = DefaultFeatureWeight;

    /// <summary>Weight of the one-step error record.</summary>
    [Range(0.0, 10.0)]
    public double ErrorWeight { get; set; } = DefaultFeatureWeight;

    /// <summary>Weight of the seasonal error record.</summary>
    [Range(0.0, 10.0)]
    public double SeasonalErrorWeight { get; set; } = DefaultFeatureWeight;

    /// <summary>Weight of the short-window mean record.</summary>
    [Range(0.0, 10.0)]
    public double MeanWeight { get; set; } = DefaultFeatureWeight;

    /// <summary>Weight of the short-median record.</summary>
    [Range(0.0, 10.0)]
    public double MedianWeight { get; set; } = DefaultFeatureWeight;

    /// <summary>Weight of the seasonal shift record.</summary>
    [Range(0.0, 10.0)]
    public double SeasonalShiftWeight { get; set; } = DefaultFeatureWeight;

    /// <summary>Weight of the spread record.</summary>
    [Range(0.0, 10.0)]
    public double SpreadWeight { get; set; } = DefaultFeatureWeight;

    /// <summary>After a score peak, points during which lower scores are damped, so one incident raises one alert.</summary>
    [Range(0, 100_000)]
    public int SuppressionPoints { get; set; } = DefaultSuppressionPoints;

    /// <summary>Factor applied to scores that are not a new peak within the suppression span.</summary>
    [Range(0.0, 1.0)]
    public double SuppressionDamping { get; set; } = DefaultSuppressionDamping;

    /// <summary>Throws when a setting is outside its [Range] or the settings contradict each other.</summary>
    public void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        if (MinPeriod > MaxPeriod)
        {
            throw new ValidationException($"MinPeriod ({MinPeriod}) must not exceed MaxPeriod ({MaxPeriod}).");
        }
    }
}
