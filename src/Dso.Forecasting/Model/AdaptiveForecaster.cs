namespace Dso.Forecasting.Model;

/// <summary>
/// The service's forecaster: a seasonal baseline from the first points, a FastTree model once there is enough
/// history, conformal quantiles from its own out-of-sample errors, retraining on schedule and on drift.
/// Every tick it forecasts the anchor horizons once and remembers them, so (a) Predict is cheap and (b) each
/// forecast's error is known when its actual arrives: that is what calibrates the quantiles and measures drift.
/// </summary>
internal sealed class AdaptiveForecaster : IRetrainableForecaster
{
    private readonly ForecasterOptions _options;
    private readonly EventCalendar _events;
    private readonly SeriesHistory _history;
    private readonly FeatureBuilder _features;
    private readonly ModelTrainer _trainer;
    private readonly RetrainSchedule _schedule;
    private readonly ScenarioThresholds _thresholds;
    private readonly float[] _buffer = new float[FeatureBuilder.Count];
    private AnchorBook? _book;
    private AnchorForecast? _current;
    private double _maseScale = double.NaN;

    public AdaptiveForecaster(ForecasterOptions options)
    {
        _options = options;
        _events = options.Events ?? EventCalendar.Empty;
        _history = new SeriesHistory(options.MaxHistoryPoints, options.Step, _events);
        _features = new FeatureBuilder(_history);
        _trainer = new ModelTrainer(options);
        _schedule = new RetrainSchedule(options);
        _thresholds = new ScenarioThresholds(_history, options.LowDemandQuantile, options.PeakDemandQuantile);
    }

    public event Action<TrainedDemandModel>? ModelTrained;

    public TimeSpan Step => _history.Step;

    public double RollingMase => (_book?.Accuracy.MeanAbsoluteError ?? double.NaN) / _maseScale;

    public double IntervalCoverage => _book?.Accuracy.Coverage ?? double.NaN;

    public int RetrainCount { get; private set; }

    public string? LastRetrainReason { get; private set; }

    public TrainedDemandModel? CurrentModel { get; private set; }

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
            return ForecastComposer.LonePoint(lone.Timestamp, lone.Value, steps);
        }

        if (_book is null)
        {
            throw new InvalidOperationException("no observations yet: Observe at least one point before Predict");
        }

        var t = _history.Count - 1;
        if (_current is null || _current.Origin != t)
        {
            _current = ForecastAnchors(t, _book);
        }

        return ForecastComposer.Compose(_history, _features, _book.Anchors, _current, steps, _events);
    }

    public bool Retrain(string reason = "manual")
    {
        Process(_history.Flush());
        return _book is not null && Train(_history.Count - 1, reason);
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
        _current = null; // Predict re-forecasts the anchors with this model at once, not at the next tick
        if (_history.Count > 0)
        {
            _schedule.Trained(_history.Count - 1); // a chosen model counts as fresh: the next retrain comes on schedule
        }
    }

    public IReadOnlyList<DemandPeriod> ClassifyScenarios(DemandForecast forecast)
    {
        var (low, peak) = _history.Count > 0 ? _thresholds.At(_history.Count - 1) : (double.NegativeInfinity, double.PositiveInfinity);
        return DemandScenarioClassifier.Classify(forecast, low, peak);
    }

    private void Process(int added)
    {
        if (added == 0)
        {
            return;
        }

        // The anchors depend on the step, known only once the first points are placed.
        if (_book is null)
        {
            _book = new AnchorBook(HorizonAnchors.For(Math.Max(1, (int)Math.Ceiling((_options.Horizon / _history.Step) - 1e-9))), _options);
            if (CurrentModel is { } early && early.Info.Step != _history.Step)
            {
                CurrentModel = null; // chosen before any data; the data's step says it was for another series
            }
        }

        for (var t = _history.Count - added; t < _history.Count; t++)
        {
            _book.Resolve(t, _history.Value(t), trusted: _history.Weight(t) >= 0.5);
            var firstUsable = _features.FirstOrigin + _book.Anchors[^1] + 50;
            if (_schedule.Due(t, CurrentModel is not null, firstUsable, _history.Step, _book) is { } reason)
            {
                Train(t, reason);
            }

            _current = ForecastAnchors(t, _book);
            _book.Publish(_current);
        }
    }

    private bool Train(long t, string reason)
    {
        _schedule.Attempted(t);
        var window = Math.Max((long)Math.Ceiling(_options.TrainingWindow / _history.Step), _options.MinTrainingWindowPoints);
        _maseScale = AccuracyTracker.SeasonalNaiveScale(_history, t, window);
        var metrics = new Dictionary<string, double>
        {
            ["rolling_mase_before"] = RollingMase,
            ["rolling_coverage_before"] = IntervalCoverage,
            ["history_points"] = t + 1,
        };
        var model = _trainer.Train(_history, _features, _book!.Anchors, reason, metrics);
        if (model is null)
        {
            return false;
        }

        CurrentModel = model;
        _current = null;
        _schedule.Trained(t);
        RetrainCount++;
        LastRetrainReason = reason;
        ModelTrained?.Invoke(model);
        return true;
    }

    /// <summary>Forecasts every anchor from origin t: model and seasonal baseline blended by their recent errors.</summary>
    private AnchorForecast ForecastAnchors(long t, AnchorBook book)
    {
        var anchors = book.Anchors;
        var point = new double[anchors.Length];
        var baseline = new double[anchors.Length];
        var modelPoint = new double[anchors.Length];
        var residuals = new ConformalCalibrator.Snapshot[anchors.Length];
        var model = t >= _features.FirstOrigin ? CurrentModel : null;
        var modelAnchors = 0;
        var pureModelAnchors = 0;
        for (var i = 0; i < anchors.Length; i++)
        {
            var seasonal = _features.SeasonalDelta(t, anchors[i]);
            baseline[i] = _features.BaselineFromDelta(t, seasonal);
            modelPoint[i] = double.NaN;
            if (model is not null)
            {
                var (level, scale) = _features.Build(t, anchors[i], _buffer, seasonal);
                modelPoint[i] = level + (scale * model.Score(_buffer));
            }

            var weight = double.IsNaN(modelPoint[i]) ? 0 : book.ModelWeight(i);
            point[i] = weight > 0 ? (weight * modelPoint[i]) + ((1 - weight) * baseline[i]) : baseline[i];
            modelAnchors += weight > 0 ? 1 : 0;
            pureModelAnchors += weight >= 1 ? 1 : 0;
            residuals[i] = book.Residuals(i);
        }

        return new AnchorForecast(t, point, baseline, modelPoint, _features.Noise(t), residuals, modelAnchors == 0 ? null : model, pureModelAnchors < anchors.Length);
    }
}
