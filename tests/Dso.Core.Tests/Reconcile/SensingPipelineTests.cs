using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Cloud.Simulated;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.DecisionLog.Queries;
using Dso.Forecasting;
using Dso.Ingestion.Trace;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

/// <summary>
/// <c>dso simulate</c> senses (detects and forecasts) ahead of the loop on a second thread: the decisions must be the
/// ones inline sensing makes, tick for tick, including when the loop does something the thread did not predict.
/// </summary>
public sealed class SensingPipelineTests : IDisposable
{
    private readonly TestTraces _traces = new();

    [Fact]
    public async Task Simulation_Pipelined_DecidesExactlyAsSequentialAndTakesEveryTickFromTheThread()
    {
        // Long enough for the forecaster to train its model (and retrain), with surges the detectors flag.
        const int Rows = 1600;
        var demand = TestTraces.Demand(Rows);
        demand[900] = 6000; // spikes the detectors flag
        demand[1500] = 3000;

        var scenario = ScenarioLoader.Load(_traces.WriteScenario("p.yaml", _traces.WriteTrace("p.csv", demand)));
        var template = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];
        var sequentialRunner = new SimulationRunner(Plugins.Strategies, Plugins.DetectorFactory, Plugins.ForecasterFactory, Plugins.VirtualCloud) { Pipelined = false };
        var pipelinedRunner = new SimulationRunner(Plugins.Strategies, Plugins.DetectorFactory, Plugins.ForecasterFactory, Plugins.VirtualCloud);
        using var sequentialLog = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:", BatchSize: 1000));
        using var pipelinedLog = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:", BatchSize: 1000));

        var sequential = await sequentialRunner.RunAsync(scenario, template, sequentialLog);
        var pipelined = await pipelinedRunner.RunAsync(scenario, template, pipelinedLog);

        Assert.Null(sequentialRunner.PipelinedTicks);
        Assert.Equal(Rows, pipelinedRunner.PipelinedTicks);
        Assert.Equal(sequential.Rows.Select(Describe), pipelined.Rows.Select(Describe));
        sequentialLog.Flush();
        pipelinedLog.Flush();
        var a = await sequentialLog.RecentAsync(scenario.Name, Rows, CancellationToken.None);
        var b = await pipelinedLog.RecentAsync(scenario.Name, Rows, CancellationToken.None);
        Assert.Equal(a.Select(r => Describe(r.Decision)), b.Select(r => Describe(r.Decision)));
        var flagged = await sequentialLog.QueryAsync(new DecisionQuery { Service = scenario.Name, Anomalies = true }, CancellationToken.None);
        var flaggedToo = await pipelinedLog.QueryAsync(new DecisionQuery { Service = scenario.Name, Anomalies = true }, CancellationToken.None);
        Assert.NotEmpty(flagged.Items); // the spike was flagged, and in the same decisions both ways
        Assert.Equal(flagged.Items.Select(r => r.Decision.Id), flaggedToo.Items.Select(r => r.Decision.Id));
        var models = string.Join(", ", a.Select(r => r.Decision.Forecast?.Model).Distinct());
        Assert.True(a.Any(r => r.Decision.Forecast?.Model.StartsWith("fasttree", StringComparison.Ordinal) == true), $"the trained model never forecast: {models}");
        Assert.Equal(sequential.Summary.CostUsd, pipelined.Summary.CostUsd);
    }

    [Fact]
    public async Task Loop_SourceDownOnTicksTheThreadSensed_TakesOverReplaysAndDecidesAsInline()
    {
        const int Rows = 700;
        var demand = TestTraces.Demand(Rows, seed: 3);
        var down = new HashSet<int> { 450, 451, 452, 600 };
        var inline = await RunLoopAsync(demand, down, pipelined: false);
        var ahead = await RunLoopAsync(demand, down, pipelined: true);

        Assert.False(ahead.StillPipelined); // the thread sensed row 450, which the loop held: the loop took over
        Assert.Equal(inline.Decisions.Select(Describe), ahead.Decisions.Select(Describe));
        Assert.Contains(inline.Decisions, d => d.Held);
        Assert.Contains(inline.Decisions.Skip(460), d => d.Forecast is not null);
    }

    [Fact]
    public async Task Loop_ThreadInStep_ServesEveryTick()
    {
        const int Rows = 300;
        var demand = TestTraces.Demand(Rows, seed: 5);
        var inline = await RunLoopAsync(demand, [], pipelined: false);
        var ahead = await RunLoopAsync(demand, [], pipelined: true);

        Assert.True(ahead.StillPipelined);
        Assert.Equal(Rows, ahead.Taken);
        Assert.Equal(inline.Decisions.Select(Describe), ahead.Decisions.Select(Describe));
    }

    [Fact]
    public async Task Loop_ForecasterThrowsOnOneReading_FailsThatTickAtForecastEitherWayAndDecidesTheRestAsInline()
    {
        const int Rows = 500;
        var demand = TestTraces.Demand(Rows, seed: 11);
        var poisoned = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero).AddMinutes(420);
        Func<IDemandForecaster> factory = () => new PoisonedForecaster(Plugins.ForecasterFactory!(), poisoned);
        var inline = await RunLoopAsync(demand, [], pipelined: false, factory);
        var ahead = await RunLoopAsync(demand, [], pipelined: true, factory);

        Assert.False(ahead.StillPipelined); // the thread's copy threw at row 420: the loop took over
        Assert.Equal(420, ahead.Taken);
        var failed = Assert.Single(inline.Results, r => r.Failure is not null);
        Assert.Equal(TickStage.Forecast, failed.Failure!.Stage);
        var failedToo = Assert.Single(ahead.Results, r => r.Failure is not null);
        Assert.Equal(TickStage.Forecast, failedToo.Failure!.Stage);
        Assert.Equal(failed.Decision.Timestamp, failedToo.Decision.Timestamp);
        Assert.Equal(inline.Decisions.Select(Describe), ahead.Decisions.Select(Describe));
    }

    private static async Task<(List<ScalingDecision> Decisions, bool StillPipelined, int Taken, List<TickResult> Results)> RunLoopAsync(
        double[] demand, HashSet<int> down, bool pipelined, Func<IDemandForecaster>? forecasters = null)
    {
        forecasters ??= Plugins.ForecasterFactory!;
        var start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        var points = demand.Select((v, i) => new Dso.Abstractions.Series.TimeSeriesPoint(start.AddMinutes(i), v)).ToList();
        var trace = new TraceMetricSource(points);
        var policy = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];
        var time = new VirtualTimeProvider(start);
        var cloud = new SimulatedCloud(time);
        cloud.EnsureGroup(policy.ScaleGroup, new SimulatedGroupSettings(policy.Catalog, policy.BootDelay, policy.BillingMinimum, policy.InitialFleet));
        // The thread reads the trace as it is; the loop's source is down on some ticks, which the thread cannot know.
        var pipeline = pipelined
            ? new SensingPipeline(policy, () => new Sensing(Plugins.DetectorFactory, forecasters()), demand.Length,
                i => trace.ReadAsync(policy.Name, trace.EndOf(i), CancellationToken.None).Result)
            : null;
        using var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:", BatchSize: 1000));
        var loop = new ServiceLoop(policy, "test", new ServiceLoopDependencies
        {
            Source = new SometimesDown(trace, i => down.Contains(i), trace.EndOf),
            Cloud = cloud,
            Log = log,
            Strategy = Plugins.Strategies.Get(policy.Strategy.Name),
            Time = time,
            DetectorFactory = Plugins.DetectorFactory,
            ForecasterFactory = forecasters,
            Pipeline = pipeline,
        });
        var results = new List<TickResult>();
        for (var i = 0; i < demand.Length; i++)
        {
            time.Set(trace.EndOf(i));
            results.Add(await loop.TickAsync(CancellationToken.None));
        }

        var decisions = results.Select(r => r.Decision).ToList();

        var stillPipelined = pipeline?.Active == true;
        var taken = pipeline?.Taken ?? 0;
        pipeline?.Dispose();
        return (decisions, stillPipelined, taken, results);
    }

    private static string Describe(SimulationRow row) => $"{row.Chosen} | {row.Reason}";

    private static string Describe(ScalingDecision d) =>
        $"{d.Timestamp:O} {d.Chosen} held={d.Held} | {d.Reason} | {d.Forecast?.Model} {d.Forecast?.P50Peak} {d.Forecast?.P90Peak} {d.Forecast?.CoveredDemand} {d.Forecast?.DemandClass} | "
        + string.Join(";", d.Anomalies.Select(a => $"{a.Kpi}:{a.Score}:{a.Action}"));

    public void Dispose() => _traces.Dispose();

    /// <summary>A forecaster that throws when it observes the reading at <paramref name="poisoned"/>, like a bug on one value.</summary>
    private sealed class PoisonedForecaster(IDemandForecaster inner, DateTimeOffset poisoned) : IDemandForecaster
    {
        public void Observe(DateTimeOffset timestamp, double value, double weight = 1.0)
        {
            if (timestamp == poisoned)
            {
                throw new InvalidOperationException("the forecaster cannot take this reading");
            }

            inner.Observe(timestamp, value, weight);
        }

        public DemandForecast Predict(int steps) => inner.Predict(steps);
    }

    /// <summary>The trace, except on the ticks it is told, when the source answers that it is down.</summary>
    private sealed class SometimesDown(TraceMetricSource trace, Func<int, bool> isDown, Func<int, DateTimeOffset> endOf) : IMetricSource
    {
        private int _tick;

        public string Name => trace.Name;

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var tick = _tick++;
            return tick < int.MaxValue && isDown(tick) && endOf(tick) == now
                ? Task.FromResult(KpiReading.Unavailable(now, "scrape failed"))
                : trace.ReadAsync(service, now, cancellationToken);
        }
    }
}
