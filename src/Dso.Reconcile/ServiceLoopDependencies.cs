using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Detection;
using Dso.Forecasting;
using Dso.Optimization;

namespace Dso.Reconcile;

/// <summary>The plug-ins one service's loop runs with; the service and the simulator differ only here.</summary>
public sealed record ServiceLoopDependencies
{
    public required IMetricSource Source { get; init; }

    public required ICloudProvider Cloud { get; init; }

    public required IDecisionLog Log { get; init; }

    public required IScalingStrategy Strategy { get; init; }

    public required TimeProvider Time { get; init; }

    /// <summary>Creates the streaming detector for a KPI; null runs the loop without anomaly detection.</summary>
    public Func<string, IStreamingAnomalyDetector>? DetectorFactory { get; init; }

    /// <summary>Creates the request-rate forecaster; null plans on observed demand alone.</summary>
    public Func<IDemandForecaster>? ForecasterFactory { get; init; }

    /// <summary>The budget period at a time: the calendar month in the service, the trace's span in a simulation.</summary>
    public Func<DateTimeOffset, decimal, (DateTimeOffset Start, DateTimeOffset End, decimal BudgetUsd)>? BudgetPeriod { get; init; }

    /// <summary>
    /// Spend so far in the budget period as the cloud bills it, where the provider can say (the simulated cloud
    /// can; a billing API could). Without it the loop accrues spend from the fleet's hourly price each tick.
    /// </summary>
    public Func<decimal>? BilledSpendUsd { get; init; }

    /// <summary>
    /// Where month-to-date spend is kept across restarts; defaults to the decision log when it is also an
    /// <see cref="ISpendLog"/>. Not used when <see cref="BilledSpendUsd"/> is given.
    /// </summary>
    public ISpendLog? Spend { get; init; }

    /// <summary>
    /// Real-time deadline for one whole tick (every cloud call and retry in it); past it, an apply in flight is
    /// recorded as a failed outcome and the next tick converges from the actual fleet. Null: no deadline.
    /// </summary>
    public TimeSpan? TickDeadline { get; init; }

    /// <summary>
    /// Where changes wait for an operator in mode <c>approve</c>; defaults to the decision log when it is also an
    /// <see cref="Abstractions.Approvals.IApprovalQueue"/> (both stores are).
    /// </summary>
    public Abstractions.Approvals.IApprovalQueue? Approvals { get; init; }

    /// <summary>
    /// Where the planner's learned state is kept between ticks, so a restarted service continues from it (README,
    /// "Restarts"); null keeps it in memory only (a simulation, which never restarts).
    /// </summary>
    public IPlannerStateStore? PlannerStates { get; init; }

    /// <summary>Least real time between two saves of the planner's state; zero saves after every tick that planned.</summary>
    public TimeSpan PlannerStateInterval { get; init; }

    public ILoopObserver Observer { get; init; } = NullLoopObserver.Instance;

    /// <summary>
    /// Detection and forecasting run ahead on another thread, for a replay whose readings are all known before the
    /// run (<c>dso simulate</c>); null senses inline, as the service always does. Decisions are the same either way.
    /// </summary>
    internal SensingPipeline? Pipeline { get; init; }

    /// <summary>Charged with each stage's time when set (<c>dso simulate --profile</c>); null costs nothing.</summary>
    public StageTimer? Stages { get; init; }
}
