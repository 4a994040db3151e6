using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Forecasting;
using Dso.Optimization;

namespace Dso.Reconcile;

/// <summary>Deciding: sense the KPIs (anomalies, forecast) and ask the strategy's planner for a plan.</summary>
public sealed partial class ServiceLoop
{
    private volatile string? _retrainReason;

    /// <summary>The strategy's latest budget pacing: a hold is guarded against the same paced limit, not a stricter one.</summary>
    private BudgetPace? _lastPace;

    /// <summary>The latest signals taken from the pipeline (their forecaster's accuracy is what a tick reports).</summary>
    private TickSignals? _pipelined;

    /// <summary>
    /// The loop's own detectors and forecaster, caught up first when a pipeline has been sensing for it: whatever
    /// reads or changes them directly (a backfill, a reload, a failure's rebuild, the retraining jobs) sees the state
    /// inline sensing would have left.
    /// </summary>
    private Sensing OwnSensing
    {
        get
        {
            if (_deps.Pipeline is { Active: true } pipeline)
            {
                foreach (var (reading, demand) in pipeline.TakeOver())
                {
                    _sensing.Sense(Policy, reading, demand);
                }

                _pipelined = null;
            }

            return _sensing;
        }
    }

    private ForecastFigures? ForecastFiguresNow() =>
        _deps.Pipeline is { Active: true } && _pipelined is { } taken ? taken.Figures : ForecastFigures.Of(_sensing.Forecaster);

    /// <summary>This tick's anomalies and forecast: from the pipeline while it keeps step with the loop, else sensed here.</summary>
    private TickSignals Sense(KpiReading reading, double demand)
    {
        if (_retrainReason is null && _deps.Pipeline is { Active: true } pipeline)
        {
            Stage = TickStage.Forecast; // waiting for the sensing thread
            if (pipeline.TryTake(reading, demand, out var signals))
            {
                _pipelined = signals;
                return signals;
            }
        }

        var sensing = OwnSensing;
        var retrain = _retrainReason;
        if (retrain is not null && sensing.Forecaster is IRetrainableForecaster)
        {
            _retrainReason = null;
        }
        else
        {
            retrain = null;
        }

        return sensing.Sense(Policy, reading, demand, retrain, stage => Stage = stage);
    }

    private Proposal Decide(DateTimeOffset now, KpiReading reading, double demand, FleetState state, BudgetWindow budget)
    {
        var signals = Sense(reading, demand);
        var forecast = signals.Forecast;
        var context = new PlanningContext
        {
            Now = now,
            ObservedDemand = demand,
            Forecast = forecast,
            Current = state.Fleet,
            Ready = state.Ready,
            Anomalies = signals.Anomalies,
            ScaleUpNow = signals.ScaleUpNow,
            HoldScaleIn = signals.HoldScaleIn,
            Budget = budget,
            DemandClass = signals.DemandClass,
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
            Anomalies = signals.Anomalies,
            Forecast = plan.Forecast ?? Summarize(forecast, context.DemandClass),
        };
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
