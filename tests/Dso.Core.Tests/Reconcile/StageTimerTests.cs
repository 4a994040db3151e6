using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

/// <summary>
/// <c>dso simulate --profile</c>: each stage is charged the time until the next one starts, and timing changes no
/// decision (the timed run senses inline, so every stage of the tick is on the timed thread; the plain one pipelines).
/// </summary>
public sealed class StageTimerTests : IDisposable
{
    private readonly TestTraces _traces = new();

    [Fact]
    public void Enter_ChargesTheTimeSinceTheLastCallToThePreviousStage()
    {
        var clock = new SteppedClock();
        var timer = new StageTimer(clock);
        timer.Enter("plan");
        clock.Advance(TimeSpan.FromMilliseconds(5));
        timer.Enter("log");
        clock.Advance(TimeSpan.FromMilliseconds(3));
        timer.Enter("plan");
        clock.Advance(TimeSpan.FromMilliseconds(2));
        timer.Stop();
        clock.Advance(TimeSpan.FromMilliseconds(100)); // after Stop nothing is charged

        var totals = timer.Totals.ToDictionary(t => t.Stage);
        Assert.Equal(TimeSpan.FromMilliseconds(7), totals["plan"].Elapsed);
        Assert.Equal(2, totals["plan"].Entries);
        Assert.Equal(TimeSpan.FromMilliseconds(3), totals["log"].Elapsed);
        Assert.Equal(["plan", "log"], timer.Totals.Select(t => t.Stage));
    }

    [Fact]
    public async Task Simulation_WithStageTimer_ChargesEveryStageOfTheTickAndDecidesTheSame()
    {
        var scenario = ScenarioLoader.Load(_traces.WriteScenario("p.yaml", _traces.WriteTrace("p.csv", TestTraces.Demand(400))));
        var template = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];
        var stages = new StageTimer();
        using var plainLog = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:", BatchSize: 1000));
        using var timedLog = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:", BatchSize: 1000));
        var plain = await new SimulationRunner(Plugins.Strategies, Plugins.DetectorFactory, Plugins.ForecasterFactory, Plugins.VirtualCloud)
            .RunAsync(scenario, template, plainLog);
        var timed = await new SimulationRunner(Plugins.Strategies, Plugins.DetectorFactory, Plugins.ForecasterFactory, Plugins.VirtualCloud) { Stages = stages, Pipelined = false }
            .RunAsync(scenario, template, timedLog);

        Assert.Equal(plain.Rows.Select(r => r.Chosen.ToString()), timed.Rows.Select(r => r.Chosen.ToString()));
        var totals = stages.Totals.ToDictionary(t => t.Stage);
        foreach (var stage in new[] { TickStage.Read, TickStage.Detect, TickStage.Forecast, TickStage.Plan, TickStage.Guard, TickStage.Log, TickStage.Apply, TickStage.Observe, SimulationRunner.MeterStage })
        {
            Assert.True(totals.ContainsKey(stage), $"stage '{stage}' was never charged; charged: {string.Join(", ", totals.Keys)}");
        }

        Assert.Equal(400, totals[TickStage.Plan].Entries);
        var charged = stages.Totals.Sum(t => t.Elapsed.Ticks);
        Assert.True(charged <= timed.Summary.Elapsed.Ticks, $"stages add up to {TimeSpan.FromTicks(charged)}, more than the run's {timed.Summary.Elapsed}");
    }

    public void Dispose() => _traces.Dispose();

    /// <summary>A clock that moves only when told (the stage timer reads timestamps, not the date).</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now;

        public void Advance(TimeSpan by) => _now += by.Ticks;
    }
}
