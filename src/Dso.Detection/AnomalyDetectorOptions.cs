using System.ComponentModel.DataAnnotations;

namespace Dso.Detection;

/// <summary>
/// Settings of the default streaming detector. The defaults were chosen once on the NAB corpus and are meant to
/// work across KPI series without per-series tuning; change them only for a fleet-wide reason.
/// Counts are in points (rows), not wall-clock time, so the detector works the same at any sampling rate.
/// </summary>
public sealed class AnomalyDetectorOptions
{
    public const double DefaultThreshold = 0.5;
    public const int DefaultWarmupPoints = 288;
    public const int DefaultHistoryPoints = 4096;
    public const int DefaultMinPeriod = 4;
    public const int DefaultMaxPeriod = 2016;
    public const int DefaultSeasonalityCheckInterval = 256;
    public const int DefaultScaleWindow = 100;
    public const double DefaultScaleFloorFraction = 0.001;
    public const double DefaultRawHalfScoreZ = 3.0;
    public const int DefaultLikelihoodShortWindow = 10;
    public const int DefaultLikelihoodLongWindow = 2000;
    public const double DefaultLikelihoodMinStd = 0.03;
    public const double DefaultLikelihoodHalfScoreEvidence = 5.0;
    public const int DefaultNoveltyLevels = 8;
    public const int DefaultNoveltyMaxOrder = 6;
    public const int DefaultNoveltyRebuildInterval = 512;
    public const int DefaultNoveltyShortWindow = 10;
    public const double DefaultNoveltyWeight = 1.0;
    public const double DefaultResidualWeight = 1.0;
    public const int DefaultRecordLookBack = 8640;
    public const int DefaultMomentWindow = 24;
    public const double DefaultErrorRecordTolerance = 0.25;
    public const double DefaultSpreadRecordTolerance = 0.05;
    public const double DefaultMeanRecordTolerance = 0.02;
    public const double DefaultSeasonalRecordTolerance = 0.6;
    public const double DefaultValueRecordWeight = 1.0;
    public const double DefaultErrorRecordWeight = 1.0;
    public const double DefaultSeasonalRecordWeight = 1.0;
    public const double DefaultMeanRecordWeight = 1.0;
    public const double DefaultSpreadRecordWeight = 1.0;
    public const int DefaultLongMomentWindow = 96;
    public const double DefaultLongMeanRecordWeight = 0.0;
    public const double DefaultSeasonalDriftRecordWeight = 0.0;
    public const double DefaultRecordGapHalf = 500;
    public const int DefaultRecordDelay = 1;
    public const double DefaultRecordMagnitudePower = 0.5;
    public const int DefaultRecordConfidencePoints = 600;
    public const double DefaultNoiseTolerance = 0.0;
    public const double DefaultRecordScoreFloor = 0.35;
    public const double DefaultGlobalGapHalf = 300;
    public const double DefaultMedianRecordWeight = 1.0;
    public const double DefaultMedianRecordTolerance = 0.2;
    public const double DefaultRecordScale = 0.1;
    public const double DefaultLikelihoodScoreCeiling = 0.0;
    public const double DefaultSpatialTolerance = 0.02;
    public const double DefaultSpatialScore = 1.0;
    public const int DefaultSuppressionPoints = 100;
    public const double DefaultSuppressionDamping = 0.3;

    /// <summary>Score at or above which <see cref="AnomalyResult.IsAnomaly"/> is true.</summary>
    [Range(0.0, 1.0)]
    public double Threshold { get; set; } = DefaultThreshold;

    /// <summary>Points seen before any non-zero score: the baselines need some history to mean anything.</summary>
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

    /// <summary>Effective length (points) of the moving estimate of the residual scale.</summary>
    [Range(5, 100_000)]
    public int ScaleWindow { get; set; } = DefaultScaleWindow;

    /// <summary>Lower bound of the residual scale, as a fraction of the value range seen so far.</summary>
    [Range(0.0, 1.0)]
    public double ScaleFloorFraction { get; set; } = DefaultScaleFloorFraction;

    /// <summary>Robust z-score of a residual that maps to a raw surprise of 0.5.</summary>
    [Range(0.1, 100.0)]
    public double RawHalfScoreZ { get; set; } = DefaultRawHalfScoreZ;

    /// <summary>Points averaged for the short-term surprise the likelihood tests.</summary>
    [Range(1, 1000)]
    public int LikelihoodShortWindow { get; set; } = DefaultLikelihoodShortWindow;

    /// <summary>Points of averaged surprise that define "normal" for the likelihood.</summary>
    [Range(50, 100_000)]
    public int LikelihoodLongWindow { get; set; } = DefaultLikelihoodLongWindow;

    /// <summary>Smallest standard deviation assumed for the averaged surprise, so a calm series does not alert on noise.</summary>
    [Range(1e-6, 1.0)]
    public double LikelihoodMinStd { get; set; } = DefaultLikelihoodMinStd;

    /// <summary>Evidence -log10(tail probability) of the short-term surprise that maps to a score of 0.5.</summary>
    [Range(0.1, 1000.0)]
    public double LikelihoodHalfScoreEvidence { get; set; } = DefaultLikelihoodHalfScoreEvidence;

    /// <summary>Quantisation levels between the robust bounds of recent history, for pattern novelty.</summary>
    [Range(2, 30)]
    public int NoveltyLevels { get; set; } = DefaultNoveltyLevels;

    /// <summary>Longest sequence of levels whose novelty is tracked.</summary>
    [Range(1, 11)]
    public int NoveltyMaxOrder { get; set; } = DefaultNoveltyMaxOrder;

    /// <summary>How often (points) the novelty levels are re-derived and sequence counts rebuilt from history.</summary>
    [Range(16, 1_000_000)]
    public int NoveltyRebuildInterval { get; set; } = DefaultNoveltyRebuildInterval;

    /// <summary>Points averaged for the short-term novelty the likelihood tests.</summary>
    [Range(1, 1000)]
    public int NoveltyShortWindow { get; set; } = DefaultNoveltyShortWindow;

    /// <summary>Multiplier of the pattern-novelty evidence before the components are combined.</summary>
    [Range(0.0, 10.0)]
    public double NoveltyWeight { get; set; } = DefaultNoveltyWeight;

    /// <summary>Multiplier of the residual evidence before the components are combined.</summary>
    [Range(0.0, 10.0)]
    public double ResidualWeight { get; set; } = DefaultResidualWeight;

    /// <summary>Points back over which a feature's extremes define "seen before" (8640 = 30 days of 5-minute points).</summary>
    [Range(100, 1_000_000)]
    public int RecordLookBack { get; set; } = DefaultRecordLookBack;

    /// <summary>Points in the short window whose mean and spread are tracked for level shifts and variance changes.</summary>
    [Range(2, 1000)]
    public int MomentWindow { get; set; } = DefaultMomentWindow;

    /// <summary>Points in the long window whose mean is tracked for slow level shifts.</summary>
    [Range(2, 10_000)]
    public int LongMomentWindow { get; set; } = DefaultLongMomentWindow;

    [Range(0.0, 10.0)]
    public double MedianRecordTolerance { get; set; } = DefaultMedianRecordTolerance;

    [Range(0.0, 10.0)]
    public double MedianRecordWeight { get; set; } = DefaultMedianRecordWeight;

    [Range(0.0, 10.0)]
    public double LongMeanRecordWeight { get; set; } = DefaultLongMeanRecordWeight;

    [Range(0.0, 10.0)]
    public double SeasonalDriftRecordWeight { get; set; } = DefaultSeasonalDriftRecordWeight;

    [Range(0.0, 10.0)]
    public double ErrorRecordTolerance { get; set; } = DefaultErrorRecordTolerance;

    [Range(0.0, 10.0)]
    public double MeanRecordTolerance { get; set; } = DefaultMeanRecordTolerance;

    [Range(0.0, 10.0)]
    public double SeasonalRecordTolerance { get; set; } = DefaultSeasonalRecordTolerance;

    [Range(0.0, 10.0)]
    public double SpreadRecordTolerance { get; set; } = DefaultSpreadRecordTolerance;

    [Range(0.0, 10.0)]
    public double ValueRecordWeight { get; set; } = DefaultValueRecordWeight;

    [Range(0.0, 10.0)]
    public double ErrorRecordWeight { get; set; } = DefaultErrorRecordWeight;

    [Range(0.0, 10.0)]
    public double SeasonalRecordWeight { get; set; } = DefaultSeasonalRecordWeight;

    [Range(0.0, 10.0)]
    public double MeanRecordWeight { get; set; } = DefaultMeanRecordWeight;

    [Range(0.0, 10.0)]
    public double SpreadRecordWeight { get; set; } = DefaultSpreadRecordWeight;

    /// <summary>Points by which the look-back lags the present, so slow slides are measured from where they began.</summary>
    [Range(1, 100_000)]
    public int RecordDelay { get; set; } = DefaultRecordDelay;

    /// <summary>Points of history after which a record counts in full; earlier ones score lower.</summary>
    [Range(1, 1_000_000)]
    public int RecordConfidencePoints { get; set; } = DefaultRecordConfidencePoints;

    /// <summary>A new extreme value must also clear the old one by this many noise standard deviations.</summary>
    [Range(0.0, 100.0)]
    public double NoiseTolerance { get; set; } = DefaultNoiseTolerance;

    /// <summary>Lowest score of a record; the strength of the record fills the band from here to 1.</summary>
    [Range(0.0, 1.0)]
    public double RecordScoreFloor { get; set; } = DefaultRecordScoreFloor;

    /// <summary>Points since a record of any feature at which a new record scores halfway (0: not used).</summary>
    [Range(0.0, 1e7)]
    public double GlobalGapHalf { get; set; } = DefaultGlobalGapHalf;

    /// <summary>Points since the feature's previous record at which a new record scores halfway up its band.</summary>
    [Range(1.0, 1e7)]
    public double RecordGapHalf { get; set; } = DefaultRecordGapHalf;

    /// <summary>How much the size of the exceedance (not just the quiet spell before it) ranks a record.</summary>
    [Range(0.0, 10.0)]
    public double RecordMagnitudePower { get; set; } = DefaultRecordMagnitudePower;

    /// <summary>Excess (in ranges) over which a record's score climbs from 0.5 most of the way to 1.</summary>
    [Range(0.001, 100.0)]
    public double RecordScale { get; set; } = DefaultRecordScale;

    /// <summary>Scores from the likelihood alone are scaled into [0, this], below record-breaking evidence.</summary>
    [Range(0.0, 1.0)]
    public double LikelihoodScoreCeiling { get; set; } = DefaultLikelihoodScoreCeiling;

    /// <summary>A value beyond the range seen so far by more than this fraction of that range is a novelty.</summary>
    [Range(0.0, 10.0)]
    public double SpatialTolerance { get; set; } = DefaultSpatialTolerance;

    /// <summary>Score given to a range novelty (0 disables the check).</summary>
    [Range(0.0, 1.0)]
    public double SpatialScore { get; set; } = DefaultSpatialScore;

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
