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

    public FeatureRecords(AnomalyDetectorOptions options)
    {
        _options = options;
        var lookBack = options.RecordLookBack;
        var minHistory = options.WarmupPoints;
        _value = new RecordExceedance(lookBack, minHistory, upper: true, lower: true);
        _localError = new RecordExceedance(lookBack, minHistory, upper: true, lower: false);
        _seasonalError = new RecordExceedance(lookBack, minHistory, upper: true, lower: false);
        _mean = new RecordExceedance(lookBack, minHistory, upper: true, lower: true);
        _spread = new RecordExceedance(lookBack, minHistory, upper: true, lower: true);
        _moments = new RollingMoments(options.MomentWindow);
    }

    /// <summary>Largest exceedance beyond its tolerance (0 when none) and the anomaly kind it points to.</summary>
    public (double Excess, AnomalyKind Kind) Update(double value, double localError, double seasonalError)
    {
        var best = 0.0;
        var kind = AnomalyKind.None;
        void Consider((double Exceedance, int Direction) r, double tolerance, double weight, AnomalyKind up, AnomalyKind down)
        {
            var excess = weight * (r.Exceedance - tolerance);
            if (r.Direction != 0 && excess > best)
            {
                best = excess;
                kind = r.Direction > 0 ? up : down;
            }
        }

        var signUp = localError >= 0 ? AnomalyKind.SpikeUp : AnomalyKind.SpikeDown;
        Consider(_value.Update(value), _options.SpatialTolerance, _options.ValueRecordWeight, signUp, signUp);
        Consider(_localError.Update(Math.Abs(localError)), _options.ErrorRecordTolerance, _options.ErrorRecordWeight, signUp, signUp);
        if (!double.IsNaN(seasonalError))
        {
            Consider(_seasonalError.Update(Math.Abs(seasonalError)), _options.ErrorRecordTolerance, _options.SeasonalRecordWeight, AnomalyKind.PatternChange, AnomalyKind.PatternChange);
        }

        _moments.Add(value);
        if (_moments.IsFull)
        {
            Consider(_mean.Update(_moments.Mean), _options.SpatialTolerance, _options.MeanRecordWeight, AnomalyKind.LevelShiftUp, AnomalyKind.LevelShiftDown);
            Consider(_spread.Update(_moments.StdDev), _options.SpreadRecordTolerance, _options.SpreadRecordWeight, AnomalyKind.PatternChange, AnomalyKind.PatternChange);
        }

        return (best, kind);
    }
}
