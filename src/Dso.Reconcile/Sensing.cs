using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Detection;
using Dso.Forecasting;
using Dso.Policies.Model;

namespace Dso.Reconcile;

/// <summary>
/// One service's detectors and demand forecaster, fed its KPI readings in order: each reading is scored by the KPI's
/// detector and its request rate observed by the forecaster, which then forecasts the horizon. What it learns depends
/// only on the readings (and the policy's anomaly actions), never on the fleet or the plans, which is what lets a
/// replay run it ahead of the loop on another thread (<see cref="SensingPipeline"/>).
/// </summary>
internal sealed class Sensing(Func<string, IStreamingAnomalyDetector>? detectorFactory, IDemandForecaster? forecaster)
{
    private readonly Dictionary<string, IStreamingAnomalyDetector> _detectors = new(StringComparer.Ordinal);
    private double _lastDemand = double.NaN;
    private DateTimeOffset _lastObserved = DateTimeOffset.MinValue;

    public IDemandForecaster? Forecaster { get; set; } = forecaster;

    /// <summary>KPIs with a running anomaly detector.</summary>
    public int DetectorCount => _detectors.Count;

    public void ClearDetectors() => _detectors.Clear();

    /// <summary>
    /// Scores <paramref name="reading"/>, feeds its request rate (<paramref name="demand"/>) to the forecaster (retraining
    /// first when <paramref name="retrain"/> names a reason) and forecasts the horizon. <paramref name="enterStage"/>
    /// hears the stage entered (detect, forecast), so a failure is named by it.
    /// </summary>
    public TickSignals Sense(ServicePolicy policy, KpiReading reading, double demand, string? retrain = null, Action<string>? enterStage = null)
    {
        var anomalies = new List<AnomalyEvent>();
        var scaleUpNow = false;
        var holdScaleIn = false;
        var excludeFromForecast = false;
        // A source may hand back the same sample twice (a tick faster than its resolution, or right after backfill):
        // detectors and the forecaster see each sample once.
        enterStage?.Invoke(TickStage.Detect);
        var fresh = reading.Timestamp > _lastObserved;
        _lastObserved = fresh ? reading.Timestamp : _lastObserved;
        foreach (var (kpi, value) in reading.Values)
        {
            if (!fresh || !double.IsFinite(value))
            {
                continue;
            }

            var result = Detector(kpi)?.Observe(reading.Timestamp, value);
            if (result is not { IsAnomaly: true })
            {
                continue;
            }

            var action = AnomalyPolicy.ActionFor(policy, kpi, result.Value.Kind, value, kpi == KpiNames.RequestRate ? _lastDemand : double.NaN);
            scaleUpNow |= action == AnomalyAction.ScaleUpNow;
            holdScaleIn |= action is AnomalyAction.HoldScaleIn or AnomalyAction.ScaleUpNow;
            excludeFromForecast |= kpi == KpiNames.RequestRate && action is AnomalyAction.ExcludeFromForecast or AnomalyAction.HoldScaleIn;
            anomalies.Add(new AnomalyEvent(kpi, value, result.Value.Score, AnomalyPolicy.Describe(action)) { Kind = result.Value.Kind.ToString() });
        }

        _lastDemand = demand;
        enterStage?.Invoke(TickStage.Forecast);
        if (retrain is not null && Forecaster is IRetrainableForecaster retrainable)
        {
            retrainable.Retrain(retrain);
        }

        if (fresh)
        {
            Forecaster?.Observe(reading.Timestamp, demand, excludeFromForecast ? AnomalyPolicy.AnomalousPointWeight : 1.0);
        }

        var horizon = Math.Max(1, (int)Math.Round(AnomalyPolicy.ForecastHorizon / policy.Tick));
        var forecast = Forecaster?.Predict(horizon);
        var demandClass = forecast is not null && Forecaster is IRetrainableForecaster classifier
            ? classifier.ClassifyScenarios(forecast).FirstOrDefault()?.Scenario
            : null;
        return new TickSignals(anomalies, scaleUpNow, holdScaleIn, forecast, demandClass);
    }

    /// <summary>Warms the detectors and the forecaster with a past reading (backfill): no forecast, no actions.</summary>
    public void Warm(KpiReading reading)
    {
        foreach (var (kpi, value) in reading.Values)
        {
            if (double.IsFinite(value))
            {
                Detector(kpi)?.Observe(reading.Timestamp, value);
            }
        }

        if (reading.TryGet(KpiNames.RequestRate, out var demand))
        {
            Forecaster?.Observe(reading.Timestamp, demand);
            _lastDemand = demand;
        }
    }

    /// <summary>Marks readings up to <paramref name="timestamp"/> as seen (after a backfill), so they are not scored twice.</summary>
    public void SeenUpTo(DateTimeOffset timestamp) => _lastObserved = timestamp;

    private IStreamingAnomalyDetector? Detector(string kpi)
    {
        if (detectorFactory is null)
        {
            return null;
        }

        if (!_detectors.TryGetValue(kpi, out var detector))
        {
            detector = detectorFactory(kpi);
            _detectors[kpi] = detector;
        }

        return detector;
    }
}
