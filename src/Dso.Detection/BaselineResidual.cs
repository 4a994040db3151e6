namespace Dso.Detection;

/// <summary>
/// One-step prediction errors against two simple baselines: a local one (median of the last three points,
/// robust to a single outlier) and, once a period is detected, a seasonal one (the same phase one period ago,
/// shifted by the change in recent level). A spike shows in the local error; a broken daily pattern whose
/// values stay inside the normal range shows only in the seasonal error.
/// </summary>
internal sealed class BaselineResidual
{
    // Points averaged for the level correction of the seasonal baseline: enough to smooth the noise,
    // few enough to follow a level change within minutes.
    private const int LevelPoints = 6;

    private readonly AnomalyDetectorOptions _options;
    private readonly RingBuffer _history;
    private int _sinceSeasonalityCheck;

    public BaselineResidual(AnomalyDetectorOptions options)
    {
        _options = options;
        _history = new RingBuffer(options.HistoryPoints);
    }

    /// <summary>The detected seasonal period in points, or 0 when none.</summary>
    public int Period { get; private set; }

    /// <summary>Error of the last point under the local baseline, in the series' units.</summary>
    public double LocalError { get; private set; }

    /// <summary>Error under the seasonal baseline, in the series' units; NaN while no period is known.</summary>
    public double SeasonalError { get; private set; } = double.NaN;

    /// <summary>
    /// The value minus the value one period earlier, without level correction; NaN while no period is known.
    /// Averaged over a short window it shows a broken pattern or a level shift that the corrected error absorbs.
    /// </summary>
    public double SeasonalDifference { get; private set; } = double.NaN;

    public void Update(double value)
    {
        LocalError = _history.Count >= 1 ? value - LocalPrediction() : 0;
        SeasonalError = Period > 0 && _history.Count >= Period + LevelPoints ? value - SeasonalPrediction() : double.NaN;
        SeasonalDifference = Period > 0 && _history.Count >= Period ? value - _history.Back(Period - 1) : double.NaN;

        _history.Add(value);
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

    private void CheckSeasonality()
    {
        var n = _history.Count;
        if (n < 2 * _options.MinPeriod + LevelPoints)
        {
            return;
        }

        // O(n log n) every few hundred points: cheap next to the O(1) per-point work.
        var copy = new double[n];
        _history.CopyLatest(n, copy);
        Period = SeasonalityDetector.Detect(copy, _options.MinPeriod, _options.MaxPeriod);
    }
}
