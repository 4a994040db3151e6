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
    private long _count;
    private long _lastRecord;
    private readonly RecordExceedance _longMean;
    private readonly RollingMoments _longMoments;
    private readonly RecordExceedance _median;
    private readonly RingBuffer _recent = new(5);
    private readonly double[] _sortBuffer = new double[5];
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
        _median = new RecordExceedance(lookBack, options.RecordDelay, minHistory, upper: true, lower: true);
        _seasonalDrift = new RecordExceedance(lookBack, options.RecordDelay, minHistory, upper: true, lower: false);
        _seasonalErrors = new RollingMoments(options.MomentWindow);
    }

    /// <summary>Which feature set the last record (for diagnostics), or null.</summary>
    public string? LastFeature { get; private set; }

    /// <summary>Largest exceedance beyond its tolerance (0 when none) and the anomaly kind it points to.</summary>
    public (double Excess, AnomalyKind Kind) Update(double value, double localError, double seasonalError, double noise)
    {
        _count++;
        var best = 0.0;
        var kind = AnomalyKind.None;

        // Records right after start-up mostly mean "not enough history yet": trust grows with the history seen.
        var confidence = Math.Min(1.0, (double)_count / _options.RecordConfidencePoints);
        LastFeature = null;
        var sinceAnyRecord = (double)(_count - _lastRecord);
        var globalFactor = _options.GlobalGapHalf > 0 ? sinceAnyRecord / (sinceAnyRecord + _options.GlobalGapHalf) : 1.0;
        void Consider(string name, RecordExceedance record, (double Exceedance, int Direction) r, double tolerance, double weight, AnomalyKind up, AnomalyKind down)
        {
            var gap = (double)record.Gap;
            var excess = r.Exceedance <= tolerance ? 0 : weight * confidence * globalFactor * (gap / (gap + _options.RecordGapHalf))
                * Math.Pow(1 - Math.Exp(-(r.Exceedance - tolerance) / _options.RecordScale), _options.RecordMagnitudePower);
            if (r.Direction != 0 && excess > best)
            {
                best = excess;
                kind = r.Direction > 0 ? up : down;
                LastFeature = name;
            }
        }

        var signUp = localError >= 0 ? AnomalyKind.SpikeUp : AnomalyKind.SpikeDown;
        Consider("value", _value, _value.Update(value, _options.NoiseTolerance * noise), _options.SpatialTolerance, _options.ValueRecordWeight, signUp, signUp);
        Consider("localError", _localError, _localError.Update(Math.Abs(localError)), _options.ErrorRecordTolerance, _options.ErrorRecordWeight, signUp, signUp);
        if (!double.IsNaN(seasonalError))
        {
            Consider("seasonalError", _seasonalError, _seasonalError.Update(Math.Abs(seasonalError)), _options.SeasonalRecordTolerance, _options.SeasonalRecordWeight, AnomalyKind.PatternChange, AnomalyKind.PatternChange);
            _seasonalErrors.Add(seasonalError);
            if (_seasonalErrors.IsFull)
            {
                Consider("seasonalDrift", _seasonalDrift, _seasonalDrift.Update(Math.Abs(_seasonalErrors.Mean)), _options.ErrorRecordTolerance, _options.SeasonalDriftRecordWeight, AnomalyKind.PatternChange, AnomalyKind.PatternChange);
            }
        }

        _moments.Add(value);
        if (_moments.IsFull)
        {
            Consider("mean", _mean, _mean.Update(_moments.Mean), _options.MeanRecordTolerance, _options.MeanRecordWeight, AnomalyKind.LevelShiftUp, AnomalyKind.LevelShiftDown);
            Consider("spread", _spread, _spread.Update(_moments.StdDev), _options.SpreadRecordTolerance, _options.SpreadRecordWeight, AnomalyKind.PatternChange, AnomalyKind.PatternChange);
        }

        _recent.Add(value);
        if (_recent.Count == _recent.Capacity && _options.MedianRecordWeight > 0)
        {
            _recent.CopyLatest(_recent.Count, _sortBuffer);
            Array.Sort(_sortBuffer);
            Consider("median", _median, _median.Update(_sortBuffer[2]), _options.MedianRecordTolerance, _options.MedianRecordWeight, AnomalyKind.LevelShiftUp, AnomalyKind.LevelShiftDown);
        }

        _longMoments.Add(value);
        if (_longMoments.IsFull)
        {
            Consider("longMean", _longMean, _longMean.Update(_longMoments.Mean), _options.SpatialTolerance, _options.LongMeanRecordWeight, AnomalyKind.LevelShiftUp, AnomalyKind.LevelShiftDown);
        }

        if (best > 0)
        {
            _lastRecord = _count;
        }

        return (best, kind);
    }
}
