using System.Diagnostics;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Diagnostics;
using Dso.Abstractions.Metrics;
using Dso.Forecasting;
using Dso.Optimization;
using Dso.Policies.Model;

namespace Dso.Reconcile;

/// <summary>
/// The closed loop for one service, level-based like a controller-runtime reconciler: read the fleet and KPIs,
/// propose a plan (deciding, or holding when KPIs are missing), pass it through the plan guard, log the decision,
/// then converge the cloud to it. The service runs it on the wall clock and <c>dso simulate</c> on virtual time;
/// nothing here knows which. The steps live in the other <c>ServiceLoop.*.cs</c> files: Deciding, Holding,
/// Guarding, Applying, Resuming, Backfill and Budget.
/// </summary>
public sealed partial class ServiceLoop
{
    private ServiceLoopDependencies _deps;
    private readonly Sensing _sensing;
    private readonly ZeroTrafficGuard _zeroTraffic = new();
    private IScalingPlanner _planner;
    private IScalingStrategy _strategy;
    private string _stage = TickStage.Read;
    private FleetState? _tickState;
    private ScalingDecision? _tickDecision;
    private bool _recovered;
    private string? _tickCloudError;

    public ServiceLoop(ServicePolicy policy, string policyVersion, ServiceLoopDependencies deps)
    {
        Policy = policy;
        PolicyVersion = policyVersion;
        _deps = deps;
        _strategy = deps.Strategy;
        _planner = deps.Strategy.CreatePlanner(policy);
        _sensing = new Sensing(deps.DetectorFactory, deps.ForecasterFactory?.Invoke());
    }

    public ServicePolicy Policy { get; private set; }

    /// <summary>How long exact zeros after traffic are held as a dead exporter: the policy's, else the guard's default.</summary>
    private TimeSpan ZeroTrafficHold => ZeroTrafficGuard.HoldFor(Policy);

    /// <summary>The stage the tick is in (named in a failure), announced to the stage timer when there is one.</summary>
    private string Stage
    {
        get => _stage;
        set
        {
            _stage = value;
            _deps.Stages?.Enter(value);
        }
    }

    /// <summary>The planner in use (tests check that a reload keeps it when the service did not change).</summary>
    internal IScalingPlanner Planner => _planner;

    /// <summary>KPIs with a running anomaly detector (tests check what a reload keeps).</summary>
    internal int DetectorCount => OwnSensing.DetectorCount;

    /// <summary>The request-rate forecaster, for retraining jobs and the model registry.</summary>
    public IDemandForecaster? Forecaster => OwnSensing.Forecaster;

    /// <summary>Registry version of the model in use, when the host tracks one.</summary>
    public int? ModelVersion { get; set; }

    public string PolicyVersion { get; private set; }

    /// <summary>
    /// Swaps in a reloaded policy (and the metric source, cloud provider or forecaster factory, when their settings
    /// changed). What the loop keeps of what it learned (planner state, detectors, forecaster) is decided by
    /// <see cref="ReloadCarryOver"/>; this only carries it out.
    /// </summary>
    /// <returns>What was kept and what reset, for the log.</returns>
    public ReloadPlan UpdatePolicy(ServicePolicy policy, string version, IScalingStrategy strategy, IMetricSource? source = null, ICloudProvider? cloud = null,
        Func<IDemandForecaster>? forecasterFactory = null)
    {
        var plan = ReloadCarryOver.For(Policy, policy);
        var sensing = OwnSensing;
        if (!plan.KeepPlanner)
        {
            _planner = plan.Carry is { } carry ? strategy.CreatePlanner(policy, _planner, carry) : strategy.CreatePlanner(policy);
        }

        Policy = policy;
        PolicyVersion = version;
        _strategy = strategy;
        if (source is not null)
        {
            _deps = _deps with { Source = source };
        }

        if (cloud is not null)
        {
            _deps = _deps with { Cloud = cloud };
        }

        if (forecasterFactory is not null)
        {
            _deps = _deps with { ForecasterFactory = forecasterFactory };
        }

        if (!plan.KeepDetectors)
        {
            sensing.ClearDetectors();
        }

        if (!plan.KeepForecaster)
        {
            sensing.Forecaster = _deps.ForecasterFactory?.Invoke();
        }

        LastReload = plan;
        return plan;
    }

    /// <summary>What the latest policy edit kept and reset (null before any reload).</summary>
    public ReloadPlan? LastReload { get; private set; }

    /// <summary>
    /// Runs one tick. A tick that throws at any stage does not escape: it is logged as a failed decision holding the
    /// fleet (see <c>ServiceLoop.TickFailures.cs</c>), reported to the observer, and the stage's state is rebuilt so
    /// the next tick starts clean. Only the host's shutdown cancels it.
    /// </summary>
    public async Task<TickResult> TickAsync(CancellationToken cancellationToken)
    {
        var now = _deps.Time.GetUtcNow();
        Stage = TickStage.Read;
        _tickState = null;
        _tickDecision = null;
        _tickCloudError = null;
        try
        {
            return await RunTickAsync(now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return await FailTickAsync(now, ex, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TickResult> RunTickAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The tick's deadline bounds every cloud call and retry in it; the host's token still means "shut down".
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_deps.TickDeadline is { } limit)
        {
            deadline.CancelAfter(limit);
        }

        var token = deadline.Token;
        var started = Stopwatch.GetTimestamp();
        var state = await _deps.Cloud.GetFleetAsync(Policy.ScaleGroup, token).ConfigureAwait(false);
        _tickState = state;
        if (!_recovered)
        {
            Stage = TickStage.Resume;
            _recovered = true;
            await BackfillAsync(now, token).ConfigureAwait(false);
            await RestorePlannerAsync(now, token).ConfigureAwait(false);
            await LoadSpendAsync(now, token).ConfigureAwait(false);
            var resumed = await ResumeUnfinishedAsync(now, state, started, token).ConfigureAwait(false);
            if (resumed is not null)
            {
                // The resumed decision is this tick's: deciding again now would act twice in one tick.
                Stage = TickStage.Observe;
                return Observe(now, resumed);
            }

            Stage = TickStage.Read;
        }

        await AccrueSpendAsync(now, state, token).ConfigureAwait(false);
        await RestoreArmsAsync(now, token).ConfigureAwait(false);
        var budget = BudgetWindowAt(now);
        var reading = await ReadSafelyAsync(now, token).ConfigureAwait(false);
        var proposal = _zeroTraffic.Triage(reading, ZeroTrafficHold, out var demand) switch
        {
            ReadingUse.Missing => Hold(now, reading, state, budget),
            ReadingUse.ZeroTraffic => Hold(now, reading with { Problem = "request rate fell to exactly zero after recent traffic; treated as a metrics outage" }, state, budget),
            _ => Decide(now, reading, demand, state, budget),
        };

        proposal = await TakeApprovedAsync(now, state, proposal, token).ConfigureAwait(false);
        Stage = TickStage.Guard;
        var decision = Guard(now, state, budget, proposal);
        Stage = TickStage.Log;
        await _deps.Log.AppendAsync(decision, token).ConfigureAwait(false);
        _tickDecision = decision;
        RememberReactiveRate(decision);
        foreach (var anomaly in decision.Anomalies)
        {
            await _deps.Log.AppendEventAsync(Policy.Name, reading.Timestamp, "anomaly",
                $"{anomaly.Kpi}={anomaly.Value:0.###} score {anomaly.Score:0.000} ({anomaly.Kind}) -> {anomaly.Action}", token).ConfigureAwait(false);
        }

        var latency = Stopwatch.GetElapsedTime(started);
        Stage = TickStage.Apply;
        var outcome = await ApplyAsync(decision, state, token, cancellationToken).ConfigureAwait(false);
        // After the apply, on the host's token (not the tick's deadline, which an apply may have used up): saving the
        // planner's state (a few ms) is not on the way from decision to cloud.
        var saveFailed = await SavePlannerAsync(now, cancellationToken).ConfigureAwait(false);
        var result = Result(now, decision, outcome, latency, budget) with { Source = reading, StateSaveFailed = saveFailed };
        Stage = TickStage.Observe;
        return Observe(now, result);
    }

    /// <summary>Hands the finished tick to the observer; an observer that throws makes it a failure at stage observe, not a lost tick.</summary>
    private TickResult Observe(DateTimeOffset now, TickResult result)
    {
        if (_spendCarriedOver is { } carried)
        {
            result = result with { SpendCarriedOver = carried };
            _spendCarriedOver = null;
        }

        try
        {
            _deps.Observer.OnTick(result);
            return result;
        }
        catch (Exception ex)
        {
            // The decision is logged and applied; only its report failed.
            return result with { Failure = ReportFailure(new TickFailure(Policy.Name, now, TickStage.Observe, ex.Message, ex)) };
        }
    }

    /// <summary>Asks for a retrain at the start of the next tick (the forecaster belongs to the tick's thread).</summary>
    public void RequestRetrain(string reason) => _retrainReason = reason;

    private TickResult Result(DateTimeOffset now, ScalingDecision decision, DecisionOutcome? outcome, TimeSpan latency, BudgetWindow budget)
    {
        var hourly = Policy.Catalog.HourlyCost(outcome?.After ?? decision.Chosen) + ServerlessHourly(decision.ServerlessRps);
        return new TickResult(decision, outcome, latency, budget.SpentUsd, budget.ProjectedUsd(now, hourly))
        {
            CloudError = _tickCloudError,
            Accuracy = ForecastFiguresNow()?.With(ModelVersion),
        };
    }

    /// <summary>One id per service and tick; it is also the cloud adapter's idempotency key.</summary>
    private string DecisionId(DateTimeOffset now) => $"{Policy.Name}@{now:yyyy-MM-ddTHH:mm:ss.fffZ}";

    /// <summary>USD per hour of routing this many requests/s to the serverless offering (0 without one).</summary>
    private decimal ServerlessHourly(double rps) => rps > 0 && Policy.Serverless is { } serverless ? serverless.HourlyCost(rps) : 0m;

    /// <summary>Whether applying <paramref name="decision"/> calls the cloud at all (fault points count only those).</summary>
    private static bool ChangesCloud(ScalingDecision decision, FleetState state) =>
        !decision.Chosen.Equals(state.Fleet) || decision.ServerlessRps != state.ServerlessRps;

    private static void ReachFaultPoint(string point, ScalingDecision decision, FleetState state)
    {
        if (ChangesCloud(decision, state))
        {
            FaultPoints.Reach(point);
        }
    }
}
