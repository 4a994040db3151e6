using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

/// <summary>The detector in the loop: a flagged surge scales up sooner than the reactive rule; a flat-zero outage never scales in.</summary>
public sealed class AnomalyLoopTests : IDisposable
{
    private const int SurgeStart = (3 * 1440) + 60;
    private const double Plateau = 1800;
    private readonly TestTraces _dir = new();

    /// <summary>Three days of a noisy daily cycle, then demand ramps up by 1800 rps over six minutes and stays.</summary>
    private static double[] SurgeTrace()
    {
        var random = new Random(3);
        return Enumerable.Range(0, SurgeStart + 240).Select(i =>
        {
            var value = (500 + (300 * Math.Sin(2 * Math.PI * i / 1440))) * (1 + (0.03 * ((random.NextDouble() * 2) - 1)));
            return i >= SurgeStart && i < SurgeStart + 90 ? value + (Math.Min(i - SurgeStart, 6) / 6.0 * Plateau) : value;
        }).ToArray();
    }

    private async Task<SimulationResult> RunAsync(string strategy, double[] demand, string name)
    {
        var template = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];
        if (strategy != template.Strategy.Name)
        {
            template = template with { Strategy = new StrategyPolicy(strategy, new Dictionary<string, double>()) };
        }

        using var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:", BatchSize: 5000));
        var scenario = ScenarioLoader.Load(_dir.WriteScenario(name + ".yaml", _dir.WriteTrace(name + ".csv", demand)));
        return await new SimulationRunner(Plugins.Strategies, Plugins.DetectorFactory, Plugins.ForecasterFactory, Plugins.VirtualCloud).RunAsync(scenario, template, log);
    }

    private static int RowsUntilServed(SimulationResult result, double demand) =>
        Enumerable.Range(SurgeStart, 60).First(i => result.Rows[i].ServingCapacity >= demand) - SurgeStart;

    [Fact]
    public async Task Surge_FlaggedAnomalous_ServedSoonerThanReactiveRule()
    {
        var demand = SurgeTrace();
        var optimizer = await RunAsync("cost-optimizer", demand, "surge-opt");
        var reactive = await RunAsync("target-tracking", demand, "surge-tt");

        var firstSurgeRow = optimizer.Rows[SurgeStart + 1]; // the ramp's first raised row
        Assert.StartsWith("cost-optimizer: anomaly surge", firstSurgeRow.Reason);
        var peak = demand.Skip(SurgeStart).Take(60).Max();
        var optimizerRows = RowsUntilServed(optimizer, peak);
        var reactiveRows = RowsUntilServed(reactive, peak);
        Assert.True(optimizerRows < reactiveRows, $"anomaly-driven scale-up served the surge after {optimizerRows} rows, the reactive rule after {reactiveRows}");
    }

    [Fact]
    public async Task Outage_FlatZero_NeverScalesInWithinTheGuardSpan()
    {
        var demand = SurgeTrace()[..(SurgeStart + 30)];
        for (var i = SurgeStart - 60; i < demand.Length; i++)
        {
            demand[i] = 0;
        }

        var result = await RunAsync("cost-optimizer", demand, "outage");
        var before = result.Rows[SurgeStart - 61].Chosen.Total;
        // The guard holds an hour of zeros (rows SurgeStart - 60 .. SurgeStart - 1); past it the zeros are believed.
        var held = result.Rows.Skip(SurgeStart - 60).Take((int)ZeroTrafficGuard.DefaultHold.TotalMinutes).ToList();
        Assert.All(held, r => Assert.True(r.Chosen.Total >= before, $"scaled in to {r.Chosen} during the outage: {r.Reason}"));
        Assert.All(held, r => Assert.Contains("exactly zero", r.Reason));
    }

    public void Dispose() => _dir.Dispose();
}
