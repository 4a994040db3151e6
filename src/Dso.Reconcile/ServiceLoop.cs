using System.Diagnostics;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Detection;
using Dso.Forecasting;
using Dso.Optimization;
using Dso.Policies.Model;

namespace Dso.Reconcile;

/// <summary>
/// The closed loop for one service, level-based like a controller-runtime reconciler: read KPIs, score them,
/// forecast, plan, guard the plan, log the decision, then converge the cloud to it. The service runs it on
/// the wall clock and <c>dso simulate</c> on virtual time; nothing here knows which.
/// </summary>
public sealed class ServiceLoop
{
    private ServiceLoopDependencies _deps;
    private readonly Dictionary<string, IStreamingAnomalyDetector> _detectors = new(StringComparer.Ordinal);
    private readonly IDemandForecaster? _forecaster;
    private readonly BudgetLedger _ledger = new();
    private readonly ZeroTrafficGuard _zeroTraffic = new(ZeroTrafficGuard.DefaultLookBack);
    private IScalingPlanner _planner;
    private bool _recovered;
    private double _lastDemand = double.NaN;
    private volatile string? _retrainReason;
    private DateTimeOffset _lastObserved = DateTimeOffset.MinValue;

    public ServiceLoop(ServicePolicy policy, string policyVersion, ServiceLoopDependencies deps)
    {
        Policy = policy;
        PolicyVersion = policyVersion;
        _deps = deps;
        _planner = deps.Strategy.CreatePlanner(policy);
        _forecaster = deps.ForecasterFactory?.Invoke();
    }

    public ServicePolicy Policy { get; private set; }

    /// <summary>The request-rate forecaster, for retraining jobs and the model registry.</summary>
    public IDemandForecaster? Forecaster => _forecaster;

    /// <summary>Registry version of the model in use, when the host tracks one.</summary>
    public int? ModelVersion { get; set; }

    /// <summary>
    /// Asks for a retrain at the start of the next tick. Scheduled jobs call this instead of retraining directly
    /// because the forecaster belongs to the tick's thread.
    /// </summary>
    public void RequestRetrain(string reason) => _retrainReason = reason;

    public string PolicyVersion { get; private set; }

    /// <summary>
    /// Swaps in a reloaded policy (and the metric source, when its settings changed); history (detectors,
    /// forecaster, budget ledger) is kept.
    /// </summary>
    public void UpdatePolicy(ServicePolicy policy, string version, IScalingStrategy strategy, IMetricSource? source = null)
    {
        Policy = policy;
        PolicyVersion = version;
        _planner = strategy.CreatePlanner(policy);
        if (source is not null)
        {
            _deps = _deps with { Source = source };
        }
    }

    public async Task<TickResult> TickAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = _deps.Time.GetUtcNow();
        var state = await _deps.Cloud.GetFleetAsync(Policy.ScaleGroup, cancellationToken).ConfigureAwait(false);
        if (!_recovered)
        {
            _recovered = true;
            await BackfillAsync(now, cancellationToken).ConfigureAwait(false);
            var resumed = await ResumeUnfinishedAsync(state, cancellationToken).ConfigureAwait(false);
            if (resumed is not null)
            {
                state = await _deps.Cloud.GetFleetAsync(Policy.ScaleGroup, cancellationToken).ConfigureAwait(false);
            }
        }

        _ledger.Accrue(now, Policy.Catalog.HourlyCost(state.Fleet) + ServerlessHourly(state.ServerlessRps));
        var budget = BudgetWindowAt(now);
        var reading = await ReadSafelyAsync(now, cancellationToken).ConfigureAwait(false);
        ScalingDecision decision;
        if (!reading.TryGet(KpiNames.RequestRate, out var demand) || reading.Health == SourceHealth.Down)
        {
            decision = Hold(now, reading, state, budget);
        }
        else if (_zeroTraffic.LooksLikeOutage(reading.Timestamp, demand))
        {
            decision = Hold(now, reading with { Problem = "request rate fell to exactly zero after recent traffic; treated as a metrics outage" }, state, budget);
        }
        else
        {
            decision = Decide(now, reading, demand, state, budget);
        }

        await _deps.Log.AppendAsync(decision, cancellationToken).ConfigureAwait(false);
        foreach (var anomaly in decision.Anomalies)
        {
            await _deps.Log.AppendEventAsync(Policy.Name, reading.Timestamp, "anomaly",
                $"{anomaly.Kpi}={anomaly.Value:0.###} score {anomaly.Score:0.000} ({anomaly.Kind}) -> {anomaly.Action}", cancellationToken).ConfigureAwait(false);
        }

        var latency = Stopwatch.GetElapsedTime(started);
        var outcome = await ApplyAsync(decision, state, cancellationToken).ConfigureAwait(false);
        var hourly = Policy.Catalog.HourlyCost(outcome?.After ?? decision.Chosen) + ServerlessHourly(decision.ServerlessRps);
        var projected = budget.ProjectedUsd(now, hourly);
        var result = new TickResult(decision, outcome, latency, budget.SpentUsd, projected)
        {
            Accuracy = _forecaster is IRetrainableForecaster r
                ? new ForecastAccuracy(r.RollingMase, r.IntervalCoverage, r.RetrainCount, r.LastRetrainReason, ModelVersion)
                : null,
        };
        _deps.Observer.OnTick(result);
        return result;
    }

    private ScalingDecision Decide(DateTimeOffset now, KpiReading reading, double demand, FleetState state, BudgetWindow budget)
    {
        var anomalies = new List<AnomalyEvent>();
        var scaleUpNow = false;
        var holdScaleIn = false;
        var excludeFromForecast = false;
        // A source may hand back the same sample twice (a tick faster than its resolution, or right after backfill):
        // detectors and the forecaster see each sample once.
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
        var plan = PlanGuard.Enforce(_planner.Plan(context), Policy, context);
        return new ScalingDecision
        {
            Id = DecisionId(now),
            Service = Policy.Name,
            Timestamp = now,
            PolicyVersion = PolicyVersion,
            Kpis = reading.Values,
            Anomalies = anomalies,
            Forecast = plan.Forecast ?? Summarize(forecast, context.DemandClass),
            Before = state.Fleet,
            Chosen = plan.Target,
            ChosenHourlyCost = Policy.Catalog.HourlyCost(plan.Target) + ServerlessHourly(plan.ServerlessRps),
            ServerlessRps = plan.ServerlessRps,
            Alternatives = plan.Alternatives,
            BilledCapacityRps = KnownCapacity(state.Fleet),
            ReadyCapacityRps = KnownCapacity(state.Ready),
            Strategy = plan.Strategy,
            Reason = plan.Reason,
            Budget = plan.Budget ?? budget.Status(now, Policy.Catalog.HourlyCost(plan.Target) + ServerlessHourly(plan.ServerlessRps), constrained: false),
        };
    }

    /// <summary>For the log only: a type dropped from the policy while instances of it still run counts as unknown, not as an error.</summary>
    private double KnownCapacity(Fleet fleet) =>
        fleet.Counts.Where(kv => Policy.Catalog.Contains(kv.Key)).Sum(kv => Policy.Catalog[kv.Key].CapacityRps * kv.Value);

    /// <summary>Missing data is not zero demand: keep the fleet (or go to the policy's fallback size) and say why.</summary>
    private ScalingDecision Hold(DateTimeOffset now, KpiReading reading, FleetState state, BudgetWindow budget)
    {
        var chosen = state.Fleet;
        var reason = $"no usable request rate from '{Policy.Metrics.Source}' ({reading.Problem ?? reading.Health.ToString()}): holding the fleet";
        if (Policy.Metrics.FallbackInstances is { } fallback && fallback > state.Fleet.Total)
        {
            var type = FleetMath.SmallestBestValue(Policy.Catalog);
            chosen = state.Fleet.With(type.Name, state.Fleet[type.Name] + fallback - state.Fleet.Total);
            reason = $"metric source '{Policy.Metrics.Source}' is down ({reading.Problem}): scaling to fallback of {fallback} instances";
        }

        return new ScalingDecision
        {
            Id = DecisionId(now),
            Service = Policy.Name,
            Timestamp = now,
            PolicyVersion = PolicyVersion,
            Kpis = reading.Values,
            Before = state.Fleet,
            Chosen = chosen,
            ChosenHourlyCost = Policy.Catalog.HourlyCost(chosen),
            BilledCapacityRps = KnownCapacity(state.Fleet),
            ReadyCapacityRps = KnownCapacity(state.Ready),
            Strategy = "hold",
            Reason = reason,
            Budget = budget.Status(now, Policy.Catalog.HourlyCost(chosen), constrained: false),
            Held = true,
        };
    }

    private async Task<DecisionOutcome?> ApplyAsync(ScalingDecision decision, FleetState state, CancellationToken cancellationToken)
    {
        if (decision.Chosen.Equals(state.Fleet) && decision.ServerlessRps == state.ServerlessRps)
        {
            var outcome = new DecisionOutcome(decision.Id, _deps.Time.GetUtcNow(), ApplyStatus.NoChange, state.Fleet, 0, 0, "fleet already as desired");
            await _deps.Log.RecordOutcomeAsync(outcome, cancellationToken).ConfigureAwait(false);
            return outcome;
        }

        try
        {
            var result = await _deps.Cloud.ApplyAsync(new ApplyRequest(Policy.ScaleGroup, decision.Chosen, decision.Id) { ServerlessRps = decision.ServerlessRps }, cancellationToken).ConfigureAwait(false);
            var outcome = new DecisionOutcome(decision.Id, _deps.Time.GetUtcNow(), result.Status, result.After, result.Launched, result.Terminated, result.Message);
            await _deps.Log.RecordOutcomeAsync(outcome, cancellationToken).ConfigureAwait(false);
            return outcome;
        }
        catch (CloudProviderException ex)
        {
            // Logged as failed; the next tick reads the actual fleet again and retries (level-based).
            var outcome = new DecisionOutcome(decision.Id, _deps.Time.GetUtcNow(), ApplyStatus.Failed, state.Fleet, 0, 0,
                $"{(ex.IsTransient ? "transient" : "terminal")}: {ex.Message}");
            await _deps.Log.RecordOutcomeAsync(outcome, cancellationToken).ConfigureAwait(false);
            return outcome;
        }
    }

    /// <summary>
    /// After a crash between "logged" and "applied", re-apply the logged decision with its own key: the adapter
    /// ignores it if it had gone through, so nothing is launched twice and nothing logged is lost.
    /// </summary>
    private async Task<DecisionOutcome?> ResumeUnfinishedAsync(FleetState state, CancellationToken cancellationToken)
    {
        var last = await _deps.Log.LastAsync(Policy.Name, cancellationToken).ConfigureAwait(false);
        if (last is null || last.Outcome is not null)
        {
            return null;
        }

        return await ApplyAsync(last.Decision, state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Warms detectors and the forecaster from the source's history on the first tick, so a restarted or new loop
    /// does not forecast cold. A source that cannot answer is noted in the log; the loop starts without history.
    /// </summary>
    private async Task BackfillAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_deps.Source is not IHistoricalMetricSource history)
        {
            return;
        }

        IReadOnlyList<KpiReading> readings;
        try
        {
            readings = await history.BackfillAsync(Policy.Name, now - history.BackfillWindow, now - Policy.Tick, Policy.Tick, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await _deps.Log.AppendEventAsync(Policy.Name, now, "backfill_failed", $"starting without history: {ex.Message}", cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var reading in readings)
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
                _forecaster?.Observe(reading.Timestamp, demand);
                _zeroTraffic.LooksLikeOutage(reading.Timestamp, demand);
                _lastDemand = demand;
            }
        }

        if (readings.Count > 0)
        {
            _lastObserved = readings[^1].Timestamp;
        }

        await _deps.Log.AppendEventAsync(Policy.Name, now, "backfill", $"{readings.Count} past readings from '{Policy.Metrics.Source}'", cancellationToken).ConfigureAwait(false);
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

    private BudgetWindow BudgetWindowAt(DateTimeOffset now)
    {
        var (start, end, budget) = _deps.BudgetPeriod?.Invoke(now, Policy.Budget.MonthlyUsd)
            ?? (new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1), Policy.Budget.MonthlyUsd);
        return new BudgetWindow(start, end, budget, _deps.BilledSpendUsd?.Invoke() ?? _ledger.SpentSince(start), Policy.Budget.Enforcement == BudgetEnforcement.Hard);
    }

    /// <summary>USD per hour of routing this many requests/s to the serverless offering (0 without one).</summary>
    private decimal ServerlessHourly(double rps) => rps > 0 && Policy.Serverless is { } serverless ? serverless.HourlyCost(rps) : 0m;

    /// <summary>One id per service and tick; it is also the cloud adapter's idempotency key.</summary>
    private string DecisionId(DateTimeOffset now) => $"{Policy.Name}@{now:yyyy-MM-ddTHH:mm:ss.fffZ}";

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
