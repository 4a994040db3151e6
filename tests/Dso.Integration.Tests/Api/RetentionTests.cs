using System.Text.Json;
using Dso.Abstractions.Decisions;
using Dso.DecisionLog;
using Dso.DecisionLog.Queries;
using Dso.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Dso.Integration.Tests.Api;

/// <summary>Retention on both stores, the scheduled job in the running service, and the schema upgrade of an old log.</summary>
public sealed class RetentionTests : IDisposable
{
    private static readonly DateTimeOffset End = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private readonly string _root = Directory.CreateTempSubdirectory("dso-retention-").FullName;

    [Fact]
    public async Task Purge_Sqlite_RemovesOnlyRowsBeforeTheCutOffs()
    {
        using var store = new SqliteDecisionLog(new SqliteDecisionLogOptions(Path.Combine(_root, "d.db")));
        await PurgeRemovesOnlyOldRowsAsync(store);
    }

    [PostgresFact]
    public async Task Purge_Postgres_RemovesOnlyRowsBeforeTheCutOffs()
    {
        using var cluster = PostgresCluster.Start();
        using var store = new PostgresDecisionLog(new PostgresDecisionLogOptions(cluster.CreateDatabase()));
        await PurgeRemovesOnlyOldRowsAsync(store);
    }

    [Fact]
    public async Task Spend_Sqlite_SumsExactlyFromTheCutOff()
    {
        using var store = new SqliteDecisionLog(new SqliteDecisionLogOptions(Path.Combine(_root, "s.db")));
        await SpendSumsExactlyAsync(store);
    }

    [PostgresFact]
    public async Task Spend_Postgres_SumsExactlyFromTheCutOff()
    {
        using var cluster = PostgresCluster.Start();
        using var store = new PostgresDecisionLog(new PostgresDecisionLogOptions(cluster.CreateDatabase()));
        await SpendSumsExactlyAsync(store);
    }

    [Fact]
    public async Task RetentionJob_InTheService_DeletesDecisionsPastKeepDecisions()
    {
        var data = Path.Combine(_root, "data");
        var now = DateTimeOffset.UtcNow;
        using (var seed = new SqliteDecisionLog(new SqliteDecisionLogOptions(Path.Combine(data, "decisions.db"), BatchSize: 1000)))
        {
            await DecisionLogSeeder.SeedAsync(seed, ["shop"], now, TimeSpan.FromDays(3), TimeSpan.FromMinutes(30));
        }

        var policies = Path.Combine(_root, "policies");
        Directory.CreateDirectory(policies);
        File.WriteAllText(Path.Combine(policies, "p.yaml"), SeededService.PolicyYaml());
        await using var host = await TestHost.StartAsync(data, policies, null,
            "--Dso:ClockSpeed=1", "--DecisionLog:KeepDecisions=1.00:00:00", "--DecisionLog:KeepEvents=1.00:00:00", "--DecisionLog:RetentionInterval=00:00:01");
        var oldest = await Eventually.WaitAsync(
            async () =>
            {
                using var doc = JsonDocument.Parse(await host.Http.GetStringAsync("/api/v1/decisions?service=shop&limit=1000"));
                return doc.RootElement.GetProperty("items").EnumerateArray().Min(i => i.GetProperty("decision").GetProperty("timestamp").GetDateTimeOffset());
            },
            at => at > now.AddDays(-1).AddMinutes(-5),
            TimeSpan.FromSeconds(20));
        Assert.True(oldest > now.AddDays(-1).AddMinutes(-5), $"the oldest decision is still {oldest:o}");
    }

    [Fact]
    public async Task Migration_OldLog_GainsTheAnalystColumnsFilledFromThePayload()
    {
        var path = Path.Combine(_root, "old.db");
        var decision = new ScalingDecision
        {
            Id = "old-1", Service = "shop", Timestamp = End, PolicyVersion = "v1", Kpis = new Dictionary<string, double> { ["request_rate"] = 321.5 },
            Anomalies = [new AnomalyEvent("request_rate", 321.5, 7, "scale_up_now")],
            Before = Abstractions.Catalog.Fleet.Of(("m", 2)), Chosen = Abstractions.Catalog.Fleet.Of(("m", 3)), ChosenHourlyCost = 0.3m,
            Alternatives = [new PlanAlternative("reactive", Abstractions.Catalog.Fleet.Of(("m", 5)), 0.5m, 500, 0, "")],
            Strategy = "cost-optimizer", Reason = "old",
        };
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = OldSchema + "INSERT INTO decisions (id, service, ts, policy_version, variant, strategy, reason, before_fleet, chosen_fleet, hourly_cost, held, is_change, payload) " +
                "VALUES ('old-1', 'shop', '2026-11-20T00:00:00.000Z', 'v1', 'default', 'cost-optimizer', 'old', 'm=2', 'm=3', 0.3, 0, 1, $payload); PRAGMA user_version = 2;";
            cmd.Parameters.AddWithValue("$payload", JsonSerializer.Serialize(decision, DecisionJson.Options));
            cmd.ExecuteNonQuery();
        }

        using var store = new SqliteDecisionLog(new SqliteDecisionLogOptions(path));
        var anomalous = await store.QueryAsync(new DecisionQuery { Anomalies = true, From = End, To = End.AddMinutes(1) }, default);
        Assert.Equal("old-1", Assert.Single(anomalous.Items).Decision.Id);
        var series = await store.SeriesAsync("shop", End, End.AddHours(1), TimeSpan.FromHours(1), default);
        var bucket = Assert.Single(series.Buckets);
        Assert.Equal(321.5, bucket.DemandRps);
        Assert.Equal(0.5, bucket.ReactiveHourlyCostUsd);
        Assert.Equal(1, bucket.Anomalies);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file may be held for a moment.
        }
    }

    private static async Task SpendSumsExactlyAsync(IDecisionStore store)
    {
        for (var i = 0; i < 10; i++)
        {
            await store.RecordSpendAsync(new SpendEntry("a", End.AddHours(i), End.AddHours(i + 1), 0.1m, 0.1m), default);
        }

        await store.RecordSpendAsync(new SpendEntry("b", End, End.AddHours(1), 5m, 5m), default);
        var total = await store.SpendSinceAsync("a", null, End.AddHours(5), default);
        Assert.Equal(0.6m, total.Usd);
        Assert.Equal(End.AddHours(10), total.Last!.To);
    }

    private static async Task PurgeRemovesOnlyOldRowsAsync(IDecisionStore store)
    {
        await DecisionLogSeeder.SeedAsync(store, ["a", "b"], End, TimeSpan.FromDays(4), TimeSpan.FromHours(1));
        await store.AppendEventAsync("a", End.AddDays(-3), "anomaly", "old", default);
        await store.AppendEventAsync("a", End.AddHours(-1), "anomaly", "new", default);
        await store.SavePlannerStateAsync(new PlannerStateRecord("gone", End.AddDays(-3), "{}", [1]), default);
        await store.SavePlannerStateAsync(new PlannerStateRecord("a", End.AddHours(-1), "{}", [2]), default);
        var result = await store.PurgeAsync(End.AddDays(-2), End.AddDays(-1), default);
        Assert.Equal(2 * 48, result.Decisions);
        Assert.Equal(2 * 48, result.Outcomes);
        Assert.Equal(1, result.Events);
        var left = await store.QueryAsync(new DecisionQuery { Limit = 1000 }, default);
        Assert.Equal(2 * 48, left.Items.Count);
        Assert.All(left.Items, r => Assert.True(r.Decision.Timestamp >= End.AddDays(-2)));
        Assert.Equal("new", Assert.Single(await store.EventsAsync(null, null, null, null, 10, default)).Message);
        // A planner state past the events' retention (a service no longer running) goes; a recent one stays.
        Assert.Null(await store.LoadPlannerStateAsync("gone", default));
        Assert.NotNull(await store.LoadPlannerStateAsync("a", default));
    }

    private const string OldSchema = """
        CREATE TABLE decisions (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, service TEXT NOT NULL, ts TEXT NOT NULL,
            policy_version TEXT NOT NULL, variant TEXT NOT NULL, strategy TEXT NOT NULL, reason TEXT NOT NULL, before_fleet TEXT NOT NULL,
            chosen_fleet TEXT NOT NULL, hourly_cost REAL NOT NULL, held INTEGER NOT NULL, is_change INTEGER NOT NULL, payload TEXT NOT NULL);
        CREATE INDEX decisions_service_seq ON decisions(service, seq);
        CREATE TABLE outcomes (decision_id TEXT PRIMARY KEY REFERENCES decisions(id), at TEXT NOT NULL, status TEXT NOT NULL,
            after_fleet TEXT NOT NULL, launched INTEGER NOT NULL, terminated INTEGER NOT NULL, message TEXT NOT NULL);
        CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, service TEXT NOT NULL, ts TEXT NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL);
        CREATE INDEX events_service_seq ON events(service, seq);

        """;
}
