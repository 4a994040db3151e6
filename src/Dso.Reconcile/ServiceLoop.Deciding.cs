using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Detection;
using Dso.Forecasting;
using Dso.Optimization;
using Dso.Policies.Model;

namespace Dso.Reconcile;

/// <summary>Deciding: score the KPIs, feed the forecaster, and ask the strategy's planner for a plan.</summary>
public sealed partial class ServiceLoop
{
    private double _lastDemand = double.NaN;
    private volatile string? _retrainReason;
    private DateTimeOffset _lastObserved = DateTimeOffset.MinValue;

    /// <summary>The strategy's latest budget pacing: a hold is guarded against the same paced limit, not a stricter one.</summary>
    private BudgetPace? _lastPace;

    private Proposal Decide(DateTimeOffset now, KpiReading reading, double demand, FleetState state, BudgetWindow budget)
    {
        var anomalies = new List<AnomalyEvent>();
        var scaleUpNow = false;
        var holdScaleIn = false;
        var excludeFromForecast = false;
        // A source may hand back the same sample twice (a tick faster than its resolution, or right after backfill):
        // detectors and the forecaster see each sample once.
        Stage = TickStage.Detect;
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

            var action = AnomalyPolicy.ActionFor(Policy, kpi, result.Value.Kind, value, kpi == KpiNames.RequestRate ? _lastDemand : double.NaN);
            scaleUpNow |= action == AnomalyAction.ScaleUpNow;
            holdScaleIn |= action is AnomalyAction.HoldScaleIn or AnomalyAction.ScaleUpNow;
            excludeFromForecast |= kpi == KpiNames.RequestRate && action is AnomalyAction.ExcludeFromForecast or AnomalyAction.HoldScaleIn;
            anomalies.Add(new AnomalyEvent(kpi, value, result.Value.Score, AnomalyPolicy.Describe(action)) { Kind = result.Value.Kind.ToString() });
        }

        _lastDemand = demand;
        Stage = TickStage.Forecast;
        if (_retrainReason is { } why && _forecaster is IRetrainableForecaster retrainable)
        {
            _retrainReason = null;
            retrainable.Retrain(why);
        }

        if (fresh)
        {
            _forecaster?.Observe(reading.Timestamp, demand, excludeFromForecast ? AnomalyPolicy.AnomalousPointWeight : 1.0);
        }

        var horizon = Math.Max(1, (int)Math.Round(AnomalyPolicy.ForecastHorizon / Policy.Tick));
        var forecast = _forecaster?.Predict(horizon);
        var context = new PlanningContext
        {
            Now = now,
            ObservedDemand = demand,
            Forecast = forecast,
            Current = state.Fleet,
            Ready = state.Ready,
            Anomalies = anomalies,
            ScaleUpNow = scaleUpNow,
            HoldScaleIn = holdScaleIn,
            Budget = budget,
            DemandClass = forecast is not null && _forecaster is IRetrainableForecaster classifier
                ? classifier.ClassifyScenarios(forecast).FirstOrDefault()?.Scenario
                : null,
        };
        Stage = TickStage.Plan;
        var arm = Arms?.ArmAt(now);
        var plan = (arm?.Planner ?? _planner).Plan(context);
        if (arm is not null)
        {
            Arms!.Observe(context, arm);
        }

        _lastPace = plan.Pace;
        return new Proposal(plan, context, reading.Values, Held: false)
        {
            Arm = arm,
            Anomalies = anomalies,
            Forecast = plan.Forecast ?? Summarize(forecast, context.DemandClass),
        };
    }

    private IStreamingAnomalyDetector? Detector(string kpi)
    {
        if (_deps.DetectorFactory is null)
        {
            return null;
        }

        if (!_detectors.TryGetValue(kpi, out var detector))
        {
            detector = _deps.DetectorFactory(kpi);
            _detectors[kpi] = detector;
        }

        return detector;
    }

    private async Task<KpiReading> ReadSafelyAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await _deps.Source.ReadAsync(Policy.Name, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return KpiReading.Unavailable(now, $"reading '{Policy.Metrics.Source}' failed: {ex.Message}");
        }
    }

    private static ForecastSummary? Summarize(DemandForecast? forecast, DemandScenario? demandClass) =>
        forecast is null ? null : new ForecastSummary(
            forecast.Model,
            forecast.Steps,
            forecast.P50.Max(),
            forecast.P90.Max(),
            0.9,
            forecast.P90.Max(),
            demandClass?.ToString().ToLowerInvariant() ?? "unknown");
}
