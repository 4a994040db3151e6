namespace Dso.Forecasting.Model;

/// <summary>
/// Per anchor horizon: the published forecasts waiting for their actuals, the conformal calibrator they feed, and
/// smoothed errors of the model and of the seasonal baseline, which set how the two are blended at that horizon. The last
/// anchor (the full horizon) also feeds the accuracy figures the service exports.
/// </summary>
internal sealed class AnchorBook
{
    private const double ErrorSmoothing = 1.0 / 200;
    private const int ModelTrialForecasts = 50;
    private const double BlendSharpness = 4;
    private readonly ConformalCalibrator[] _calibrators;
    private readonly Queue<PendingForecast>[] _pending;
    private readonly double[] _modelError;
    private readonly double[] _baselineError;
    private readonly int[] _modelResolved;

    public AnchorBook(int[] anchors, ForecasterOptions options)
    {
        Anchors = anchors;
        _calibrators = anchors.Select(k => new ConformalCalibrator(options.CalibrationWindow, options.IntervalCoverage, options.CoverageAdaptationRate, k)).ToArray();
        _pending = anchors.Select(_ => new Queue<PendingForecast>()).ToArray();
        _modelError = new double[anchors.Length];
        _baselineError = new double[anchors.Length];
        _modelResolved = new int[anchors.Length];
        Accuracy = new AccuracyTracker(options.AccuracyWindow);
        BaselineAccuracy = new AccuracyTracker(options.AccuracyWindow);
    }

    public int[] Anchors { get; }

    /// <summary>Published forecasts at the full horizon: rolling error and [p10, p90] coverage.</summary>
    public AccuracyTracker Accuracy { get; }

    /// <summary>The seasonal baseline's error on the same targets, the yardstick for drift.</summary>
    public AccuracyTracker BaselineAccuracy { get; }

    public ConformalCalibrator.Snapshot Residuals(int anchor) => _calibrators[anchor].Current;

    /// <summary>
    /// Weight of the model against the baseline at this horizon, from their recent errors: 1 / (1 + (e_model/e_base)^4),
    /// so about even when they are as good as each other (two forecasters with different mistakes average out better
    /// than either) and nearly all model once it is clearly better. 1 during the model's trial.
    /// </summary>
    public double ModelWeight(int anchor)
    {
        if (_modelResolved[anchor] < ModelTrialForecasts || _baselineError[anchor] <= 0)
        {
            return 1.0;
        }

        var ratio = _modelError[anchor] / Math.Max(_baselineError[anchor], 1e-12);
        return 1 / (1 + Math.Pow(ratio, BlendSharpness));
    }

    public void Publish(AnchorForecast forecast)
    {
        for (var i = 0; i < Anchors.Length; i++)
        {
            var snapshot = forecast.Residuals[i];
            _pending[i].Enqueue(new PendingForecast(forecast.Origin + Anchors[i], forecast.Point[i], forecast.Baseline[i], forecast.ModelPoint[i],
                forecast.Noise, snapshot.Residual(snapshot.NominalLow), snapshot.Residual(snapshot.NominalHigh)));
        }
    }

    /// <summary>
    /// Scores the forecasts whose target is t. Untrusted actuals (filled gaps, flagged anomalies) are dropped: they
    /// would teach the intervals noise that is not demand.
    /// </summary>
    public void Resolve(long t, double actual, bool trusted)
    {
        for (var i = 0; i < Anchors.Length; i++)
        {
            var queue = _pending[i];
            while (queue.Count > 0 && queue.Peek().Target <= t)
            {
                var p = queue.Dequeue();
                if (p.Target != t || !trusted)
                {
                    continue;
                }

                var residual = (actual - p.Point) / p.Noise;
                _calibrators[i].Add(residual, p.ResidualLow, p.ResidualHigh);
                _baselineError[i] = Smooth(_baselineError[i], Math.Abs(actual - p.Baseline));
                if (!double.IsNaN(p.ModelPoint))
                {
                    _modelError[i] = _modelResolved[i] == 0 ? Math.Abs(actual - p.ModelPoint) : Smooth(_modelError[i], Math.Abs(actual - p.ModelPoint));
                    _modelResolved[i]++;
                }

                if (i == Anchors.Length - 1)
                {
                    Accuracy.Add(Math.Abs(actual - p.Point), residual >= p.ResidualLow && residual <= p.ResidualHigh);
                    BaselineAccuracy.Add(Math.Abs(actual - p.Baseline), covered: false);
                }
            }
        }
    }

    private static double Smooth(double current, double value) => current == 0 ? value : current + (ErrorSmoothing * (value - current));
}
