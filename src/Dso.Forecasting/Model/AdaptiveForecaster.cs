namespace Dso.Forecasting.Model;

/// <summary>
/// The service's forecaster: a seasonal baseline from the first points, a FastTree model once there is enough
/// history, conformal quantiles from its own out-of-sample errors, retraining on schedule and on drift.
/// Every tick it forecasts the anchor horizons once and remembers them, so (a) Predict is cheap and (b) each
/// forecast's error is known when its actual arrives: that is what calibrates the quantiles and measures drift.
/// </summary>
internal sealed class AdaptiveForecaster : IRetrainableForecaster
{
    private const double ErrorSmoothing = 1.0 / 200;
    private readonly ForecasterOptions _options;
    private readonly SeriesHistory _history;
    private readonly FeatureBuilder _features;
    private readonly ModelTrainer _trainer;
    private readonly AccuracyTracker _accuracy;
    private readonly AccuracyTracker _baselineAccuracy;
    private readonly float[] _buffer = new float[FeatureBuilder.Count];
    private int[] _anchors = [];
    private ConformalCalibrator[] _calibrators = [];
    private Queue<PendingForecast>[] _pending = [];
    private double[] _modelError = [];
    private double[] _baselineError = [];
    private int[] _modelResolved = [];
    private AnchorForecast? _current;
    private long _lastTrainIndex = -1;
    private long _lastAttemptIndex = -1;
    private double _maseScale = double.NaN;
    private int _resolvedSinceTrain;
    private (long Index, double Low, double Peak) _thresholds = (-1, 0, 0);

    public AdaptiveForecaster(ForecasterOptions options)
    {
        _options = options;
        _history = new SeriesHistory(options.MaxHistoryPoints, options.Step, options.Events ?? EventCalendar.Empty);
        _features = new FeatureBuilder(_history);
        _trainer = new ModelTrainer(options);
        _accuracy = new AccuracyTracker(options.AccuracyWindow);
        _baselineAccuracy = new AccuracyTracker(options.AccuracyWindow);
    }

    public event Action<TrainedDemandModel>? ModelTrained;

    public TimeSpan Step => _history.Step;

    public double RollingMase => _accuracy.MeanAbsoluteError / _maseScale;

    public double IntervalCoverage => _accuracy.Coverage;

    public int RetrainCount { get; private set; }

    public string? LastRetrainReason { get; private set; }

    public TrainedDemandModel? CurrentModel { get; private set; }

    internal int[] Anchors => _anchors;

    public void Observe(DateTimeOffset timestamp, double value, double weight = 1.0)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "demand must be a finite number");
        }

        Process(_history.Add(timestamp, value, double.IsFinite(weight) ? weight : 0));
    }

    public DemandForecast Predict(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        Process(_history.Flush());
        if (_history.LonePoint is { } lone)
        {
            return LonePointForecast(lone.Timestamp, lone.Value, steps);
        }

        if (_history.Count == 0)
        {
            throw new InvalidOperationException("no observations yet: Observe at least one point before Predict");
        }

        var t = _history.Count - 1;
        if (_current is null || _current.Origin != t)
        {
            _current = ForecastAnchors(t);
        }

        return ForecastComposer.Compose(_history, _features, _anchors, _current, steps, _options.Events ?? EventCalendar.Empty);
    }

    /// <summary>
    /// One point tells neither the step nor the noise: a flat forecast, ±50% as the interval, on a provisional
    /// one-minute grid that is not committed (the second point decides the real step).
    /// </summary>
    private static DemandForecast LonePointForecast(DateTimeOffset timestamp, double value, int steps)
    {
        var spread = Math.Abs(value) * 0.5;
        double Quantile(int j, double level) => value + (spread * (level - 0.5) / 0.4);
        return new DemandForecast(timestamp, TimeSpan.FromMinutes(1), Enumerable.Repeat(value, steps).ToArray(),
            Enumerable.Repeat(Quantile(0, 0.1), steps).ToArray(), Enumerable.Repeat(Quantile(0, 0.9), steps).ToArray(), Quantile, "single-point");
    }

    public bool Retrain(string reason = "manual")
    {
        Process(_history.Flush());
        return _history.Count > 0 && Train(_history.Count - 1, reason);
    }

    public void UseModel(TrainedDemandModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Info.FeatureLayout != FeatureBuilder.LayoutVersion)
        {
            throw new ArgumentException($"model uses feature layout {model.Info.FeatureLayout}, this forecaster {FeatureBuilder.LayoutVersion}");
        }

        if (_history.Step > TimeSpan.Zero && model.Info.Step != _history.Step)
        {
            throw new ArgumentException($"model was trained for a {model.Info.Step} step, this series has {_history.Step}");
        }

        CurrentModel = model;
        if (_history.Count > 0 && _anchors.Length > 0)
        {
            _current = ForecastAnchors(_history.Count - 1); // forecasts switch at once, not at the next tick
        }
    }

    public IReadOnlyList<DemandPeriod> ClassifyScenarios(DemandForecast forecast)
    {
        var t = _history.Count - 1;
        if (_thresholds.Index < 0 || t - _thresholds.Index >= Math.Max(1, _history.StepsPerDay / 24))
        {
            // Recomputed at most hourly: sorting a week of points every tick would dominate the tick's cost.
            var from = Math.Max(_history.FirstAvailable, t - (7L * _history.StepsPerDay) + 1);
            var recent = new List<double>();
            for (var i = from; i <= t; i++)
            {
                recent.Add(_history.Value(i));
            }

            var (low, peak) = DemandScenarioClassifier.Thresholds(recent, _options.LowDemandQuantile, _options.PeakDemandQuantile);
            _thresholds = (t, low, peak);
        }

        return DemandScenarioClassifier.Classify(forecast, _thresholds.Low, _thresholds.Peak);
    }

    private void Process(int added)
    {
        if (added > 0 && _anchors.Length == 0)
        {
            InitialiseAnchors();
        }

        for (var t = _history.Count - added; t < _history.Count; t++)
        {
            Resolve(t);
            MaybeRetrain(t);
            _current = ForecastAnchors(t);
            for (var i = 0; i < _anchors.Length; i++)
            {
                var noise = _current.Noise;
                var snapshot = _current.Residuals[i];
                _pending[i].Enqueue(new PendingForecast(t + _anchors[i], _current.Point[i], _current.Baseline[i], _current.ModelPoint[i], noise,
                    snapshot.Residual(snapshot.NominalLow), snapshot.Residual(snapshot.NominalHigh)));
            }
        }
    }

    private void InitialiseAnchors()
    {
        var horizonSteps = Math.Max(1, (int)Math.Ceiling(_options.Horizon / _history.Step - 1e-9));
        _anchors = HorizonAnchors.For(horizonSteps);
        _calibrators = _anchors.Select(k => new ConformalCalibrator(_options.CalibrationWindow, _options.IntervalCoverage, _options.CoverageAdaptationRate, k)).ToArray();
        _pending = _anchors.Select(_ => new Queue<PendingForecast>()).ToArray();
        _modelError = new double[_anchors.Length];
        _baselineError = new double[_anchors.Length];
        _modelResolved = new int[_anchors.Length];
    }

    /// <summary>Scores the forecasts whose target is t: residuals feed the calibrators, errors the model/baseline choice.</summary>
    private void Resolve(long t)
    {
        var actual = _history.Value(t);
        var trusted = _history.Weight(t) >= 0.5; // filled gaps and flagged anomalies would teach the intervals noise
        for (var i = 0; i < _anchors.Length; i++)
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
                _baselineError[i] = Smooth(_baselineError[i], Math.Abs(actual - p.Baseline), _modelResolved[i] == 0 && _baselineError[i] == 0);
                if (!double.IsNaN(p.ModelPoint))
                {
                    _modelError[i] = Smooth(_modelError[i], Math.Abs(actual - p.ModelPoint), _modelResolved[i] == 0);
                    _modelResolved[i]++;
                }

                if (i == _anchors.Length - 1)
                {
                    _accuracy.Add(Math.Abs(actual - p.Point), residual >= p.ResidualLow && residual <= p.ResidualHigh);
                    _baselineAccuracy.Add(Math.Abs(actual - p.Baseline), covered: false);
                    _resolvedSinceTrain++;
                }
            }
        }
    }

    private static double Smooth(double current, double value, bool first) => first ? value : current + (ErrorSmoothing * (value - current));

    private void MaybeRetrain(long t)
    {
        if (t + 1 < _options.MinTrainingPoints || t < _features.FirstOrigin + _anchors[^1] + 50)
        {
            return;
        }

        var interval = Math.Max(_options.MinPointsBetweenRetrains, (long)Math.Round(_options.RetrainInterval / _history.Step));
        var spacing = Math.Max(1, interval / 4);
        string? reason = null;
        if (CurrentModel is null)
        {
            reason = _lastAttemptIndex < 0 || t - _lastAttemptIndex >= spacing ? "initial" : null;
        }
        else if (t - _lastTrainIndex >= interval)
        {
            reason = "schedule";
        }
        else if (t + 1 >= 1.5 * (_lastTrainIndex + 1) && t - _lastTrainIndex >= Math.Min(spacing, 24))
        {
            reason = "growth"; // young models saw little history; retrain as it grows by half
        }
        else if (Drifted(t, spacing))
        {
            reason = "drift";
        }

        if (reason is not null)
        {
            Train(t, reason);
        }
    }

    private bool Drifted(long t, long spacing)
    {
        if (_resolvedSinceTrain < _options.AccuracyWindow / 2 || t - _lastTrainIndex < spacing)
        {
            return false;
        }

        // Relative to the seasonal baseline over the same window, because absolute error moves with the time of day
        // (a window of a few hundred minutes is all night or all afternoon) while "worse than the baseline" does not.
        var worse = _accuracy.MeanAbsoluteError > _options.DriftMaseRatio * _baselineAccuracy.MeanAbsoluteError;
        var miscalibrated = Math.Abs(IntervalCoverage - _options.IntervalCoverage) > 0.15;
        return worse || miscalibrated;
    }

    private bool Train(long t, string reason)
    {
        _lastAttemptIndex = t;
        _maseScale = ComputeMaseScale(t);
        var metrics = new Dictionary<string, double>
        {
            ["rolling_mase_before"] = RollingMase,
            ["rolling_coverage_before"] = IntervalCoverage,
            ["history_points"] = t + 1,
        };
        var model = _trainer.Train(_history, _features, _anchors, reason, metrics);
        if (model is null)
        {
            return false;
        }

        CurrentModel = model;
        _current = null; // Predict re-forecasts the anchors with the new model
        _lastTrainIndex = t;
        _resolvedSinceTrain = 0;
        RetrainCount++;
        LastRetrainReason = reason;
        ModelTrained?.Invoke(model);
        return true;
    }

    /// <summary>In-sample one-step seasonal-naive error (season = one day) over the training window, as MASE defines it.</summary>
    private double ComputeMaseScale(long t)
    {
        var day = _history.StepsPerDay;
        var window = (long)Math.Ceiling(_options.TrainingWindow / _history.Step);
        var lag = t - Math.Max(_history.FirstAvailable, t - window) > day + 10 ? day : 1;
        var from = Math.Max(_history.FirstAvailable + lag, t - window);
        double sum = 0;
        long n = 0;
        for (var i = from; i <= t; i++)
        {
            sum += Math.Abs(_history.Value(i) - _history.Value(i - lag));
            n++;
        }

        return n > 0 && sum > 0 ? sum / n : double.NaN;
    }

    /// <summary>Forecasts every anchor from origin t: the model where it has earned it, else the seasonal baseline.</summary>
    private AnchorForecast ForecastAnchors(long t)
    {
        var point = new double[_anchors.Length];
        var baseline = new double[_anchors.Length];
        var modelPoint = new double[_anchors.Length];
        var residuals = new ConformalCalibrator.Snapshot[_anchors.Length];
        var model = CurrentModel;
        var canScore = model is not null && t >= _features.FirstOrigin;
        for (var i = 0; i < _anchors.Length; i++)
        {
            var k = _anchors[i];
            baseline[i] = _features.Baseline(t, k);
            modelPoint[i] = double.NaN;
            if (canScore)
            {
                var (level, scale) = _features.Build(t, k, _buffer);
                modelPoint[i] = level + (scale * model!.Score(_buffer));
            }

            // A new model is trusted until its own errors say the baseline does better at this horizon.
            var useModel = !double.IsNaN(modelPoint[i]) && (_modelResolved[i] < 50 || _modelError[i] <= _baselineError[i]);
            point[i] = useModel ? modelPoint[i] : baseline[i];
            residuals[i] = _calibrators[i].Current;
        }

        return new AnchorForecast(t, point, baseline, modelPoint, _features.Noise(t), residuals);
    }
}
