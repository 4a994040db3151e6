namespace Dso.Detection;

/// <summary>
/// Record-breaking evidence over a handful of KPI features: the value itself, the size of the one-step and
/// seasonal prediction errors (spikes, broken seasonal pattern), and the short-window mean and spread
/// (level shift, variance change). Returns the largest exceedance beyond tolerance and what kind it suggests.
/// </summary>
internal sealed class FeatureRecords
{
    private readonly AnomalyDetectorOptions _options;
    private readonly RecordExceedance _value;
    private readonly RecordExceedance _localError;
    private readonly RecordExceedance _seasonalError;
    private readonly RecordExceedance _mean;
    private readonly RecordExceedance _spread;
    private readonly RollingMoments _moments;
    private readonly RecordExceedance _longMean;
    private readonly RollingMoments _longMoments;
    private readonly RecordExceedance _seasonalDrift;
    private readonly RollingMoments _seasonalErrors;

    public FeatureRecords(AnomalyDetectorOptions options)
    {
        _options = options;
        var lookBack = options.RecordLookBack;
        var minHistory = options.WarmupPoints;
        _value = new RecordExceedance(lookBack, options.RecordDelay, minHistory, upper: true, lower: true);
        _localError = new RecordExceedance(lookBack, options.RecordDelay, minHistory, upper: true, lower: false);
        _seasonalError = new RecordExceedance(lookBack, options.RecordDelay, minHistory, upper: true, lower: false);
        _mean = new RecordExceedance(lookBack, options.RecordDelay, minHistory, upper: true, lower: true);
        _spread = new RecordExceedance(lookBack, options.RecordDelay, minHistory, upper: true, lower: true);
        _moments = new RollingMoments(options.MomentWindow);
        _longMean = new RecordExceedance(lookBack, options.RecordDelay, minHistory, upper: true, lower: true);
        _longMoments = new RollingMoments(options.LongMomentWindow);
        _seasonalDrift = new RecordExceedance(lookBack, options.RecordDelay, minHistory, upper: true, lower: false);
        _seasonalErrors = new RollingMoments(options.MomentWindow);
    }

    /// <summary>Largest exceedance beyond its tolerance (0 when none) and the anomaly kind it points to.</summary>
    public (double Excess, AnomalyKind Kind) Update(double value, double localError, double seasonalError)
    {
        var best = 0.0;
        var kind = AnomalyKind.None;
        void Consider(RecordExceedance record, (double Exceedance, int Direction) r, double tolerance, double weight, AnomalyKind up, AnomalyKind down)
        {
            var gap = (double)record.Gap;
            var excess = r.Exceedance <= tolerance ? 0 : weight * (gap / (gap + _options.RecordGapHalf));
            if (r.Direction != 0 && excess > best)
            {
                best = excess;
                kind = r.Direction > 0 ? up : down;
            }
        }

        var signUp = localError >= 0 ? AnomalyKind.SpikeUp : AnomalyKind.SpikeDown;
        Consider(_value, _value.Update(value), _options.SpatialTolerance, _options.ValueRecordWeight, signUp, signUp);
        Consider(_localError, _localError.Update(Math.Abs(localError)), _options.ErrorRecordTolerance, _options.ErrorRecordWeight, signUp, signUp);
        if (!double.IsNaN(seasonalError))
        {
            Consider(_seasonalError, _seasonalError.Update(Math.Abs(seasonalError)), _options.ErrorRecordTolerance, _options.SeasonalRecordWeight, AnomalyKind.PatternChange, AnomalyKind.PatternChange);
            _seasonalErrors.Add(seasonalError);
            if (_seasonalErrors.IsFull)
            {
                Consider(_seasonalDrift, _seasonalDrift.Update(Math.Abs(_seasonalErrors.Mean)), _options.ErrorRecordTolerance, _options.SeasonalDriftRecordWeight, AnomalyKind.PatternChange, AnomalyKind.PatternChange);
            }
        }

        _moments.Add(value);
        if (_moments.IsFull)
        {
            Consider(_mean, _mean.Update(_moments.Mean), _options.SpatialTolerance, _options.MeanRecordWeight, AnomalyKind.LevelShiftUp, AnomalyKind.LevelShiftDown);
            Consider(_spread, _spread.Update(_moments.StdDev), _options.SpreadRecordTolerance, _options.SpreadRecordWeight, AnomalyKind.PatternChange, AnomalyKind.PatternChange);
        }

        _longMoments.Add(value);
        if (_longMoments.IsFull)
        {
            Consider(_longMean, _longMean.Update(_longMoments.Mean), _options.SpatialTolerance, _options.LongMeanRecordWeight, AnomalyKind.LevelShiftUp, AnomalyKind.LevelShiftDown);
        }

        return (best, kind);
    }
}
