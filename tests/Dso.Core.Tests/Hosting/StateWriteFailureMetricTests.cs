using Dso.Abstractions.Catalog;
using Dso.Abstractions.Decisions;
using Dso.Controller.Hosting;
using Dso.Reconcile;

namespace Dso.Core.Tests.Hosting;

/// <summary>A tick whose planner state could not be saved is counted in <c>dso_state_write_failures_total{store="planner_state"}</c>.</summary>
public sealed class StateWriteFailureMetricTests
{
    [Fact]
    public void OnTick_StateSaveFailed_IsCountedUnderPlannerState()
    {
        var observer = new PrometheusLoopObserver();
        var counter = StateMetrics.WriteFailures.WithLabels(StateMetrics.PlannerState);
        var before = counter.Value;

        observer.OnTick(Tick() with { StateSaveFailed = "disk full" });
        observer.OnTick(Tick());

        Assert.Equal(1, counter.Value - before);
    }

    private static TickResult Tick() => new(
        new ScalingDecision
        {
            Id = "metrics-test@1",
            Service = "metrics-test",
            Timestamp = new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero),
            PolicyVersion = "v",
            Kpis = new Dictionary<string, double>(),
            Anomalies = [],
            Before = Fleet.Empty,
            Chosen = Fleet.Empty,
            ChosenHourlyCost = 0,
            Strategy = "x",
            Reason = "ok",
        },
        null,
        TimeSpan.Zero,
        0,
        0);
}
