using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Abstractions.Series;
using Dso.Experiments.Design;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Reconcile.Experiments;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

/// <summary>The switchback seam on virtual time: each block decided by its variant, each variant with its own planner.</summary>
public sealed class ExperimentSimulationTests : IDisposable
{
    private const string Experiment = """
        experiments:
          - name: coverage
            service: shop
            design: {block: 1h, washout: 15m, seed: 11}
            variants:
              - name: q98
              - name: q90
                overrides:
                  strategy: {parameters: {coverage_quantile: 0.9}}
        """;

    private readonly TestTraces _traces = new();

    private static Dso.Policies.Model.PolicySet Policies() =>
        Plugins.PolicyLoader().Parse([("<built-in default policy>", DefaultPolicy.Text()), ("coverage.yaml", Experiment)]);

    [Fact]
    public async Task RunAsync_Switchback_EachRowDecidedByItsBlocksVariant()
    {
        var scenario = ScenarioLoader.Load(_traces.WriteScenario("e.yaml", _traces.WriteTrace("e.csv", TestTraces.Demand(1440))));
        var experiment = Assert.Single(Policies().Experiments);
        var logs = new List<SqliteDecisionLog>();
        var result = await new ExperimentSimulation(Plugins.Strategies, Plugins.DetectorFactory, Plugins.ForecasterFactory, Plugins.VirtualCloud)
            .RunAsync(scenario, experiment, () =>
            {
                var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:", BatchSize: 1000));
                logs.Add(log);
                return log;
            });
        logs.ForEach(l => l.Dispose());

        Assert.All(result.Switchback.Rows, row => Assert.Equal(result.Design.VariantAt(row.End), row.Variant));
        Assert.InRange(result.Switchback.Rows.Count(r => r.Variant == "q90"), 11 * 60, 13 * 60);
        Assert.Equal(24, result.Blocks.Count(b => b.Complete));
        Assert.All(result.Blocks, b => Assert.Equal(45, b.MeasuredMinutes, 6));
        var comparison = Assert.Single(result.Comparisons);
        Assert.Equal("q90", comparison.Variant);
        Assert.NotNull(comparison.Low);
        Assert.True(result.WholeTrace["q90"].Summary.CostUsd < result.WholeTrace["q98"].Summary.CostUsd,
            $"covering less demand should cost less: {result.WholeTrace["q90"].Summary.CostUsd} vs {result.WholeTrace["q98"].Summary.CostUsd}");
    }

    [Fact]
    public async Task RunAsync_VariantNarrowingMaxInstances_KeepsItsLimitWithinTheScenarios()
    {
        // The scenario sets the limits; a variant's own lower max_instances was silently replaced by them.
        const string capped = """
            experiments:
              - name: cap
                service: shop
                design: {block: 1h, washout: 15m, seed: 11}
                variants:
                  - name: free
                  - name: capped
                    overrides:
                      limits: {max_instances: 3}
            """;
        var experiment = Assert.Single(Plugins.PolicyLoader().Parse([("<built-in default policy>", DefaultPolicy.Text()), ("cap.yaml", capped)]).Experiments);
        var scenario = ScenarioLoader.Load(_traces.WriteScenario("c.yaml", _traces.WriteTrace("c.csv", TestTraces.Demand(360))));

        var result = await new ExperimentSimulation(Plugins.Strategies, Plugins.DetectorFactory, Plugins.ForecasterFactory, Plugins.VirtualCloud)
            .RunAsync(scenario, experiment, () => new Dso.Testing.InMemoryDecisionLog());

        Assert.True(result.WholeTrace["free"].Rows.Max(r => r.Chosen.Total) > 3);
        Assert.All(result.WholeTrace["capped"].Rows.Skip(10), r => Assert.True(r.Chosen.Total <= 3, $"{r.Start}: {r.Chosen}"));
    }

    [Fact]
    public async Task Switchback_EveryVariantsPlannerLearnsFromEveryTick()
    {
        // Demand does not depend on the variant: a variant that learned only from its own blocks would see a time-warped
        // series (its "yesterday" two days back). The variant in force plans; the others plan in the shadow.
        var scenario = ScenarioLoader.Load(_traces.WriteScenario("s.yaml", _traces.WriteTrace("s.csv", TestTraces.Demand(600))));
        var experiment = Assert.Single(Policies().Experiments);
        var points = TimeSeriesCsv.Read(scenario.TracePath);
        var policies = experiment.Variants.ToDictionary(v => v.Name, v => SimulationRunner.PolicyFor(scenario, v.Policies["shop"], points), StringComparer.Ordinal);
        var (design, _) = ExperimentSimulation.DesignFor(experiment, [.. policies.Values], points[0].Timestamp);
        SwitchbackArms? arms = null;
        var runner = new SimulationRunner(Plugins.Strategies, Plugins.DetectorFactory, Plugins.ForecasterFactory, Plugins.VirtualCloud)
        {
            Arms = _ => arms = new SwitchbackArms("coverage", design, policies, Plugins.Strategies),
        };
        using var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:", BatchSize: 1000));
        var result = await runner.RunAsync(scenario, experiment.Variants[0].Policies["shop"], log);

        var planners = design.Variants.ToDictionary(v => v, v => (CostOptimizerPlanner)arms!.ArmAt(design.BlockStart(Enumerable.Range(0, 4).First(b => design.VariantOf(b) == v)))!.Planner);
        var q90Rows = result.Rows.Count(r => r.Variant == "q90");
        Assert.InRange(q90Rows, 200, 400);
        Assert.Equal(planners["q98"].ObservedTicks, planners["q90"].ObservedTicks);
        Assert.True(planners["q90"].ObservedTicks >= result.Rows.Count - 2, $"q90 saw {planners["q90"].ObservedTicks} of {result.Rows.Count} ticks (it decided {q90Rows})");
        Assert.Null(arms!.LastShadowError);
    }

    [Fact]
    public void ArmAt_KeepsOnePlannerPerVariantAcrossBlocks()
    {
        var experiment = Assert.Single(Policies().Experiments);
        var design = new SwitchbackDesign { Start = DateTimeOffset.UnixEpoch, BlockLength = TimeSpan.FromHours(1), Washout = TimeSpan.FromMinutes(15), Variants = experiment.VariantNames, Seed = 3 };
        var arms = new SwitchbackArms("coverage", design, experiment.Variants.ToDictionary(v => v.Name, v => v.Policies["shop"]), Plugins.Strategies);
        var seen = Enumerable.Range(0, 12).Select(h => arms.ArmAt(design.Start.AddHours(h).AddMinutes(30))!).ToList();
        foreach (var group in seen.GroupBy(a => a.Variant))
        {
            Assert.Single(group.Select(a => a.Planner).Distinct());
            Assert.All(group, a => Assert.Equal(design.VariantOf(a.Block), a.Variant));
        }

        Assert.NotSame(seen.First(a => a.Variant == "q90").Planner, seen.First(a => a.Variant == "q98").Planner);
        Assert.Equal(0.9, seen.First(a => a.Variant == "q90").Policy.Strategy.Get("coverage_quantile", 0));
        Assert.Null(arms.ArmAt(design.Start.AddMinutes(-1)));

        arms.Stopped = new HashSet<string> { "q90" };
        Assert.All(Enumerable.Range(0, 12).Select(h => arms.ArmAt(design.Start.AddHours(h))!), a => Assert.Equal("q98", a.Variant));
    }

    public void Dispose() => _traces.Dispose();
}
