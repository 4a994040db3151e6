using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

/// <summary>
/// The read-back log <c>dso simulate</c> uses without --decision-log must answer the loop's reads as the SQLite log
/// does, or a simulation would decide differently depending on whether a log file was asked for.
/// </summary>
public sealed class ReadBackDecisionLogTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TestTraces _traces = new();

    [Fact]
    public async Task Reads_AfterTheSameWrites_AnswerAsTheSqliteLog()
    {
        using var sqlite = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:"));
        var readBack = new ReadBackDecisionLog(recentCapacity: 8);
        foreach (IDecisionLog log in new IDecisionLog[] { sqlite, readBack })
        {
            for (var i = 0; i < 12; i++)
            {
                var service = i % 3 == 0 ? "b" : "a";
                var decision = Decision($"d{i}", service, Start.AddMinutes(i));
                await log.AppendAsync(decision, default);
                if (i != 10)
                {
                    // d10 (service a) stays without an outcome, as a crash between logging and applying leaves it.
                    await log.RecordOutcomeAsync(new DecisionOutcome(decision.Id, decision.Timestamp.AddSeconds(1), ApplyStatus.Applied, decision.Chosen, 1, 0, "ok"), default);
                }
            }

            // An outcome for the newest decision of b after a's later ones.
            await log.RecordOutcomeAsync(new DecisionOutcome("d9", Start.AddMinutes(20), ApplyStatus.Failed, Fleet.Of(("m", 1)), 0, 0, "late"), default);
        }

        foreach (var service in new[] { "a", "b", "none" })
        {
            Assert.Equal(Describe(await sqlite.LastAsync(service, default)), Describe(await readBack.LastAsync(service, default)));
        }

        foreach (var (service, limit) in new[] { ((string?)null, 5), ("a", 3), ("b", 2), ("a", 1) })
        {
            var expected = (await sqlite.RecentAsync(service, limit, default)).Select(Describe).ToList();
            Assert.Equal(expected, (await readBack.RecentAsync(service, limit, default)).Select(Describe).ToList());
        }

        Assert.Equal(12, readBack.Count);
    }

    [Fact]
    public async Task Simulation_WithTheReadBackLog_DecidesExactlyAsWithTheSqliteLog()
    {
        var scenario = ScenarioLoader.Load(_traces.WriteScenario("s.yaml", _traces.WriteTrace("s.csv", TestTraces.Demand(1440))));
        var template = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];
        using var sqlite = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:", BatchSize: 1000));
        var withSqlite = await Runner().RunAsync(scenario, template, sqlite);
        var withReadBack = await Runner().RunAsync(scenario, template, new ReadBackDecisionLog());

        Assert.Equal(withSqlite.Rows.Count, withReadBack.Rows.Count);
        for (var i = 0; i < withSqlite.Rows.Count; i++)
        {
            var (a, b) = (withSqlite.Rows[i], withReadBack.Rows[i]);
            Assert.True(a.Chosen.Equals(b.Chosen) && a.Reason == b.Reason && a.HourlyCost == b.HourlyCost,
                $"row {i}: with SQLite {a.Chosen} ({a.Reason}), with the read-back log {b.Chosen} ({b.Reason})");
        }

        Assert.Equal(withSqlite.Summary.CostUsd, withReadBack.Summary.CostUsd);
    }

    public void Dispose() => _traces.Dispose();

    private static SimulationRunner Runner() => new(Plugins.Strategies, Plugins.DetectorFactory, Plugins.ForecasterFactory, Plugins.VirtualCloud);

    private static string Describe(DecisionRecord? record) =>
        record is null ? "none" : $"{record.Decision.Id}/{record.Decision.Service}/{record.Outcome?.Status.ToString() ?? "open"}/{record.Outcome?.Message}";

    private static ScalingDecision Decision(string id, string service, DateTimeOffset at) => new()
    {
        Id = id,
        Service = service,
        Timestamp = at,
        PolicyVersion = "v1",
        Kpis = new Dictionary<string, double> { ["request_rate"] = 100 },
        Before = Fleet.Of(("m", 1)),
        Chosen = Fleet.Of(("m", 2)),
        ChosenHourlyCost = 0.2m,
        Strategy = "cost-optimizer",
        Reason = "test",
    };
}
