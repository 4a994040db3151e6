namespace Dso.Detection;

/// <summary>
/// Record-breaking evidence over a handful of KPI features: the value and its 3-point median (new levels),
/// the size of the one-step and seasonal prediction errors (spikes, a broken daily pattern), and the mean and
/// spread of a short window (level shifts, variance changes). Returns the strongest record's strength in [0,1]
/// and the anomaly kind it points to.
/// </summary>
internal sealed class FeatureRecords
{
    private readonly AnomalyDetectorOptions _options;
    private readonly RecordExceedance _value;
    private readonly RecordExceedance _median;
    private readonly RecordExceedance _localError;
    private readonly RecordExceedance _seasonalError;
    private readonly RecordExceedance _mean;
    private readonly RecordExceedance _spread;
    private readonly RecordExceedance _seasonalShift;
    private readonly RollingMoments _seasonalDifferences;
    private readonly RollingMoments _moments;
    private readonly RollingMoments _spreadMoments;
    private readonly RingBuffer _recent;
    private readonly double[] _sortBuffer;
    private long _count;
    private long _lastRecord;
    private double _bestSize;
    private double _best;
    private AnomalyKind _kind;

    public FeatureRecords(AnomalyDetectorOptions options)
    {
        _options = options;
        RecordExceedance Create(bool lower) =>
            new(options.RecordLookBack, options.RecordDelay, options.WarmupPoints, upper: true, lower);
        _value = Create(lower: true);
        _median = Create(lower: true);
        _mean = Create(lower: true);
        _localError = Create(lower: false);
        _seasonalError = Create(lower: false);
        _spread = Create(lower: true);
        _seasonalShift = Create(lower: true);
        _seasonalDifferences = new RollingMoments(options.MomentWindow);
        _moments = new RollingMoments(options.MomentWindow);
        _spreadMoments = new RollingMoments(options.SpreadWindow);
        _recent = new RingBuffer(options.MedianWindow);
        _sortBuffer = new double[options.MedianWindow];
    }

    /// <summary>Which feature set the last record (for diagnostics), or null.</summary>
    public string? LastFeature { get; private set; }

    /// <summary>Strength (0 when no record) of the strongest record at this point and the anomaly kind it suggests.</summary>
    public (double Strength, AnomalyKind Kind) Update(double value, double localError, double seasonalError, double seasonalDifference)
    {
        _count++;
        _best = 0;
        _bestSize = 0;
        _kind = AnomalyKind.None;
        LastFeature = null;

        var spike = localError >= 0 ? AnomalyKind.SpikeUp : AnomalyKind.SpikeDown;
        Consider("value", _value, value, _options.ValueTolerance, _options.ValueWeight, spike, spike);
        Consider("localError", _localError, Math.Abs(localError), _options.ErrorTolerance, _options.ErrorWeight, spike, spike);
        if (!double.IsNaN(seasonalError))
        {
            Consider("seasonalError", _seasonalError, Math.Abs(seasonalError), _options.SeasonalErrorTolerance,
                _options.SeasonalErrorWeight, AnomalyKind.PatternChange, AnomalyKind.PatternChange);
        }

        if (!double.IsNaN(seasonalDifference))
        {
            _seasonalDifferences.Add(seasonalDifference);
            if (_seasonalDifferences.IsFull)
            {
                Consider("seasonalShift", _seasonalShift, _seasonalDifferences.Mean, _options.SeasonalShiftTolerance, _options.SeasonalShiftWeight,
                    AnomalyKind.LevelShiftUp, AnomalyKind.LevelShiftDown);
            }
        }

        _moments.Add(value);
        if (_moments.IsFull)
        {
            Consider("mean", _mean, _moments.Mean, _options.MeanTolerance, _options.MeanWeight, AnomalyKind.LevelShiftUp, AnomalyKind.LevelShiftDown);
        }

        _spreadMoments.Add(value);
        if (_spreadMoments.IsFull)
        {
            Consider("spread", _spread, _spreadMoments.StdDev, _options.SpreadTolerance, _options.SpreadWeight, AnomalyKind.PatternChange, AnomalyKind.PatternChange);
        }

        _recent.Add(value);
        if (_recent.Count == _recent.Capacity)
        {
            _recent.CopyLatest(_recent.Count, _sortBuffer);
            Array.Sort(_sortBuffer);
            Consider("median", _median, _sortBuffer[_sortBuffer.Length / 2], _options.MedianTolerance, _options.MedianWeight,
                AnomalyKind.LevelShiftUp, AnomalyKind.LevelShiftDown);
        }

        if (_best > 0 && _bestSize >= _options.RecordMarkSize)
        {
            _lastRecord = _count;
        }

        return (_best, _kind);
    }

    private void Consider(string name, RecordExceedance record, double feature, double tolerance, double weight, AnomalyKind up, AnomalyKind down)
    {
        // Every feature sees every point, so its extremes stay current even when it is switched off.
        var (exceedance, direction) = record.Update(feature);
        if (direction == 0)
        {
            return;
        }

        // A barely-new extreme keeps the quiet spell going, so an incident that starts small and grows is ranked
        // by the quiet before it once it is big, not punished for its own first tremor.
        var size = exceedance <= tolerance ? 0 : Math.Pow(1 - Math.Exp(-(exceedance - tolerance) / _options.RecordScale), _options.RecordMagnitudePower);
        var gap = (double)record.Gap;
        if (size >= _options.RecordMarkSize)
        {
            record.Mark();
        }

        if (size <= 0 || weight <= 0)
        {
            return;
        }

        // What ranks one record above another, in order of how much it mattered on real KPIs: a record after a
        // long quiet spell (of this feature, and of all features) means more than one in a series that keeps
        // breaking its own records; a record right after start-up means little; a big jump means more than a nudge.
        var confidence = Math.Min(1.0, (double)_count / _options.RecordConfidencePoints);
        var sinceAny = (double)(_count - _lastRecord);
        var quiet = gap / (gap + _options.RecordGapHalf)
            * (_options.GlobalGapHalf > 0 ? sinceAny / (sinceAny + _options.GlobalGapHalf) : 1.0);
        var strength = Math.Min(1.0, weight * confidence * quiet * size);
        if (strength > _best)
        {
            _best = strength;
            _bestSize = size;
            _kind = direction > 0 ? up : down;
            LastFeature = name;
        }
    }
}
