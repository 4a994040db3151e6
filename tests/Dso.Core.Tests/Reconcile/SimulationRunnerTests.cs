using Dso.Abstractions.Series;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

public sealed class SimulationRunnerTests : IDisposable
{
    private readonly TestTraces _traces = new();

    private static SimulationRunner Runner() => new(Plugins.Strategies, Plugins.DetectorFactory, Plugins.ForecasterFactory, Plugins.VirtualCloud);

    private static async Task<SimulationResult> RunAsync(string scenarioPath)
    {
        using var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:", BatchSize: 1000));
        var template = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];
        return await Runner().RunAsync(ScenarioLoader.Load(scenarioPath), template, log);
    }

    [Fact]
    public async Task RunAsync_TraceCutAtRowT_SameDecisionsUpToT()
    {
        var demand = TestTraces.Demand(3000);
        const int cut = 1700;
        var full = await RunAsync(_traces.WriteScenario("full.yaml", _traces.WriteTrace("full.csv", demand)));
        var partial = await RunAsync(_traces.WriteScenario("cut.yaml", _traces.WriteTrace("cut.csv", demand[..cut])));

        Assert.Equal(cut, partial.Rows.Count);
        for (var i = 0; i < cut; i++)
        {
            Assert.True(full.Rows[i].Chosen.Equals(partial.Rows[i].Chosen), $"row {i}: full run chose {full.Rows[i].Chosen}, cut run chose {partial.Rows[i].Chosen}");
        }
    }

    [Fact]
    public async Task RunAsync_Surge_ScalesUpAndBackDown()
    {
        var result = await RunAsync(_traces.WriteScenario("s.yaml", _traces.WriteTrace("s.csv", TestTraces.Demand(1440))));
        var peak = result.Rows.Max(r => r.Chosen.Total);
        var end = result.Rows[^1].Chosen.Total;
        Assert.True(peak > 8, $"expected the surge to add capacity, peak fleet was {peak}");
        Assert.True(end < peak, $"expected scale-in after the surge, ended at {end} (peak {peak})");
        Assert.True(result.Summary.CostUsd > 0);
    }

    [Fact]
    public async Task RunAsync_HardBudgetBelowNeed_StaysWithinBudget()
    {
        var result = await RunAsync(_traces.WriteScenario("b.yaml", _traces.WriteTrace("b.csv", TestTraces.Demand(1440)), budgetMonthlyUsd: 150));
        Assert.True(result.Summary.CostUsd <= result.Summary.BudgetUsd * 1.001m, $"spent {result.Summary.CostUsd} of a {result.Summary.BudgetUsd} budget");
        Assert.True(result.Summary.UnservedRequestPct > 0, "a budget this small cannot serve everything; the run should show it");
    }

    [Fact]
    public void Load_MissingRequiredKey_NamesIt()
    {
        var path = _traces.WriteScenario("m.yaml", _traces.WriteTrace("m.csv", TestTraces.Demand(10)));
        File.WriteAllText(path, File.ReadAllText(path).Replace("boot_delay_seconds: 240\n", ""));
        var ex = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path));
        Assert.Contains("missing required key 'boot_delay_seconds'", ex.Message);
    }

    [Theory]
    [InlineData("boot_delay_seconds: 240", "boot_delay_seconds: 99999999999", "'boot_delay_seconds' must be a number from 0 to 21600")]
    [InlineData("boot_delay_seconds: 240", "boot_delay_seconds: -240", "'boot_delay_seconds' must be a number from 0 to 21600")]
    [InlineData("budget_monthly_usd: 5000", "budget_monthly_usd: 1e308", "'budget_monthly_usd' must be a number above 0 and at most 1000000000")]
    [InlineData("min_instances: 2", "min_instances: 2.5", "'min_instances' must be a whole number")]
    [InlineData("max_instances: 100", "max_instances: 100\nbudget_enforcement: bogus", "'budget_enforcement' must be hard or soft (was 'bogus')")]
    [InlineData("capacity_rps: 110", "capacity_rps: -110", "'capacity_rps' must be a number above 0")]
    [InlineData("price_per_hour: 0.0725", "price_per_hour: -0.0725", "'price_per_hour' must be a number above 0")]
    [InlineData("min_instances: 2", "min_instances: [2]", "'min_instances' must be a single value, not a list")]
    // Fleet.Parse's FormatException ended the command with a stack trace.
    [InlineData("initial_fleet: {c7g.large: 4}", "initial_fleet: four-large", "initial_fleet: fleet item 'four-large' is not type=count")]
    // A type name holding ',' or ';' was written into the fleet column as is: "c7g,2xlarge=3" split the output CSV's row.
    [InlineData("{name: c7g.2xlarge,", "{name: \"c7g,2xlarge\",", "instance type: name must be 1-100 letters, digits")]
    [InlineData("{name: c7g.2xlarge,", "{name: \"c7g;2xlarge\",", "fleets are written type=count;type=count")]
    public void Load_ValueOutOfRange_NamesTheKeyAndItsPlaceInsteadOfCrashingOrRunning(string from, string to, string expected)
    {
        var path = _traces.WriteScenario("r.yaml", _traces.WriteTrace("r.csv", TestTraces.Demand(10)));
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to));
        var ex = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path));
        Assert.Contains(expected, ex.Message);
        // At the value: its line, and the column where it starts.
        var lines = text.Replace(from, to).Split('\n');
        var valueLine = to.Split('\n')[^1];
        var line = Array.FindIndex(lines, l => l.Contains(valueLine, StringComparison.Ordinal));
        var column = lines[line].IndexOf(valueLine, StringComparison.Ordinal) + valueLine.IndexOf(": ", StringComparison.Ordinal) + 3;
        Assert.StartsWith($"{path}:{line + 1}:{column}: ", ex.Message);
    }

    [Theory]
    // An unclosed '[' followed by more keys: YamlDotNet threw an InvalidOperationException without a position, and
    // dso simulate printed "Operation is not valid due to the current state of the object" naming no file or line.
    [InlineData("name: y", "name: [1, 2", "[")]
    [InlineData("{name: c7g.2xlarge,", "{name: [c7g.2xlarge,", "[")]
    [InlineData("slo: {latency_p95_ms: 250}", "slo: {latency_p95_ms: 250", "{")]
    public void Load_BrokenYamlSyntax_IsLocatedAtTheBracketLeftOpen(string from, string to, string bracket)
    {
        var path = _traces.WriteScenario("y.yaml", _traces.WriteTrace("y.csv", TestTraces.Demand(10)));
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to));
        var ex = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path));
        // The bracket left open: the last one of its kind in the replaced text.
        var lines = text.Replace(from, to).Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains(to, StringComparison.Ordinal));
        var column = lines[line].IndexOf(to, StringComparison.Ordinal) + to.LastIndexOf(bracket, StringComparison.Ordinal) + 1;
        Assert.StartsWith($"{path}:{line + 1}:{column}: not valid YAML: this '{bracket}' is never closed", ex.Message);
    }

    [Fact]
    public void Load_TraceThatDoesNotExist_IsLocatedAtTheKey()
    {
        // It was found only when the trace was read, as "<dir>/gone.csv: cannot open (Could not find file ...)",
        // without the scenario's file, line or key.
        var path = _traces.WriteScenario("t.yaml", _traces.WriteTrace("t.csv", TestTraces.Demand(10)));
        File.WriteAllText(path, File.ReadAllText(path).Replace("trace: t.csv", "trace: gone.csv"));
        var ex = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path));
        Assert.StartsWith($"{path}:2:8: 'trace': no such file 'gone.csv' (looked for {Path.Combine(Path.GetDirectoryName(path)!, "gone.csv")})", ex.Message);
    }

    [Theory]
    [InlineData("", 1, 1)]
    [InlineData("# only a comment\n", 1, 1)]
    [InlineData("- name: p\n- trace: p.csv\n", 1, 1)]
    [InlineData("\n\njust a line\n", 3, 1)]
    public void Load_DocumentThatIsNotAMapping_IsLocated(string text, int line, int column)
    {
        var path = _traces.WriteScenario("n.yaml", _traces.WriteTrace("n.csv", TestTraces.Demand(10)));
        File.WriteAllText(path, text);
        var ex = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path));
        Assert.StartsWith($"{path}:{line}:{column}: expected a mapping of scenario settings", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task RunAsync_TraceOfFewerThanTwoRows_IsAnErrorNamingTheTrace(int rows)
    {
        // The replay's constructor threw an ArgumentException ("... (Parameter 'points')") that named no file.
        var trace = _traces.WriteTrace("short.csv", TestTraces.Demand(rows));
        var ex = await Assert.ThrowsAsync<TimeSeriesCsvException>(() => RunAsync(_traces.WriteScenario("short.yaml", trace)));
        Assert.EndsWith($"short.csv: a trace needs at least 2 rows (has {rows})", ex.Message);
    }

    [Fact]
    public void Load_MinAboveMaxOrFractionalFleet_IsRefused()
    {
        var path = _traces.WriteScenario("f.yaml", _traces.WriteTrace("f.csv", TestTraces.Demand(10)));
        var text = File.ReadAllText(path);
        File.WriteAllText(path, text.Replace("min_instances: 2", "min_instances: 150"));
        Assert.Contains("'min_instances' (150) must not exceed 'max_instances' (100)", Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path)).Message);
        File.WriteAllText(path, text.Replace("initial_fleet: {c7g.large: 4}", "initial_fleet: {c7g.large: 2.7}"));
        Assert.Contains("'c7g.large' must be a whole number of instances", Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(path)).Message);
    }

    /// <summary>
    /// A group that starts above max_instances (the limit lowered below what runs) is replayed, as the scorer replays
    /// it, and brought within the limit max_step at a time (random_sweep.py drew one: 3 instances, max_instances 1,
    /// and `dso simulate` refused the scenario, leaving nothing to score).
    /// </summary>
    [Fact]
    public async Task RunAsync_InitialFleetAboveMaxInstances_IsBroughtWithinItMaxStepAtATime()
    {
        var path = _traces.WriteScenario("above.yaml", _traces.WriteTrace("above.csv", TestTraces.Demand(120)));
        File.WriteAllText(path, File.ReadAllText(path).Replace("initial_fleet: {c7g.large: 4}", "initial_fleet: {c7g.large: 130}"));

        var result = await RunAsync(path);

        Assert.Equal(120, result.Rows.Count);
        Assert.True(result.Rows[0].Chosen.Total is >= 100 and <= 110, $"first decision {result.Rows[0].Chosen}");
        Assert.All(result.Rows.Skip(1), r => Assert.True(r.Chosen.Total <= 100, $"{r.RawTimestamp}: {r.Chosen} above max_instances 100"));
    }

    public void Dispose() => _traces.Dispose();
}
