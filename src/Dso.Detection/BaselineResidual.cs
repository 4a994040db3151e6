namespace Dso.Detection;

/// <summary>
/// Predicts each point from the past with two simple baselines and returns the robust z-score of the
/// prediction error under whichever baseline has recently predicted better:
/// a local one (median of the last three points, robust to a single outlier) and a seasonal one
/// (same phase one period ago, shifted by the change in recent level), used once a period is detected.
/// </summary>
internal sealed class BaselineResidual
{
    private const int LevelPoints = 6;

    // The model choice must be stable, so it uses a much slower error average than the scale.
    private const double ModelChoiceAlpha = 0.002;

    private readonly AnomalyDetectorOptions _options;
    private readonly RingBuffer _history;
    private readonly double _scaleAlpha;
    private double _localScale = double.NaN;
    private double _seasonalScale = double.NaN;
    private double _localError;
    private double _seasonalError;
    private int _sinceSeasonalityCheck;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    public BaselineResidual(AnomalyDetectorOptions options)
    {
        _options = options;
        _history = new RingBuffer(options.HistoryPoints);
        _scaleAlpha = 1.0 / options.ScaleWindow;
    }

    public int Period { get; private set; }

    /// <summary>Gaussian-equivalent standard deviation of the one-step error: the series' short-term noise level.</summary>
    public double NoiseScale => double.IsNaN(_localScale) ? 0 : 1.25 * _localScale;

    /// <summary>Signed error of the last point under the better recent baseline, in units of that baseline's error scale.</summary>
    public double Z { get; private set; }

    /// <summary>Error of the last point under the local baseline, in the series' units.</summary>
    public double LocalError { get; private set; }

    /// <summary>Error under the seasonal baseline, in the series' units; NaN while no period is known.</summary>
    public double SeasonalError { get; private set; } = double.NaN;

    /// <summary>Signed error under the local baseline, in units of its scale.</summary>
    public double LocalZ { get; private set; }

    /// <summary>Signed error under the seasonal baseline, in units of its scale; NaN while no period is known.</summary>
    public double SeasonalZ { get; private set; }

    public void Update(double value)
    {
        Z = 0;
        LocalZ = 0;
        SeasonalZ = double.NaN;
        LocalError = 0;
        SeasonalError = double.NaN;
        if (_history.Count >= 1)
        {
            var local = LocalPrediction();
            var localError = value - local;
            var useSeasonal = false;
            var seasonalError = 0.0;
            if (Period > 0 && _history.Count >= Period + LevelPoints)
            {
                seasonalError = value - SeasonalPrediction();
                useSeasonal = !double.IsNaN(_seasonalScale) && _seasonalError < _localError;
            }

            var floor = Math.Max(_options.ScaleFloorFraction * (_max - _min), 1e-9);
            // 1.25 turns a mean absolute deviation into a Gaussian-equivalent standard deviation.
            if (!double.IsNaN(_localScale))
            {
                LocalZ = localError / Math.Max(1.25 * _localScale, floor);
            }

            if (Period > 0 && !double.IsNaN(_seasonalScale))
            {
                SeasonalZ = seasonalError / Math.Max(1.25 * _seasonalScale, floor);
            }

            Z = useSeasonal ? SeasonalZ : LocalZ;
            LocalError = localError;
            SeasonalError = Period > 0 && _history.Count >= Period + LevelPoints ? seasonalError : double.NaN;

            UpdateScale(ref _localScale, ref _localError, localError);
            if (Period > 0 && _history.Count >= Period + LevelPoints)
            {
                UpdateScale(ref _seasonalScale, ref _seasonalError, seasonalError);
            }
        }

        _history.Add(value);
        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
        if (++_sinceSeasonalityCheck >= _options.SeasonalityCheckInterval)
        {
            _sinceSeasonalityCheck = 0;
            CheckSeasonality();
        }
    }

    private double LocalPrediction()
    {
        if (_history.Count < 3)
        {
            return _history.Back(0);
        }

        double a = _history.Back(0), b = _history.Back(1), c = _history.Back(2);
        return Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
    }

    private double SeasonalPrediction()
    {
        // Back(p - 1) is the point one period before the one being predicted.
        var p = Period;
        double recent = 0, then = 0;
        for (var k = 0; k < LevelPoints; k++)
        {
            recent += _history.Back(k);
            then += _history.Back(p + k);
        }

        return _history.Back(p - 1) + (recent - then) / LevelPoints;
    }

    private void UpdateScale(ref double scale, ref double modelError, double error)
    {
        var magnitude = Math.Abs(error);
        if (double.IsNaN(scale))
        {
            scale = magnitude;
            modelError = magnitude;
            return;
        }

        // Clipping keeps one outlier from inflating the scale (and hiding the next one), while a genuine
        // variance increase still raises it within a few dozen points.
        var clipped = scale > 0 ? Math.Min(magnitude, 4 * scale) : magnitude;
        scale += _scaleAlpha * (clipped - scale);
        modelError += ModelChoiceAlpha * (clipped - modelError);
    }

    private void CheckSeasonality()
    {
        var n = _history.Count;
        if (n < 2 * _options.MinPeriod + LevelPoints)
        {
            return;
        }

        var copy = new double[n];
        _history.CopyLatest(n, copy);
        var period = SeasonalityDetector.Detect(copy, _options.MinPeriod, _options.MaxPeriod);
        if (period != Period)
        {
            Period = period;
            _seasonalScale = double.NaN;
            _seasonalError = double.PositiveInfinity;
        }
    }
}
