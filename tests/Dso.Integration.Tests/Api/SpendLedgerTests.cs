using System.Data.Common;
using Dso.Abstractions.Decisions;
using Dso.DecisionLog;
using Dso.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Dso.Integration.Tests.Api;

/// <summary>
/// Showback's source on both stores: the spend ledger grouped by the UTC day each entry ends in, with its reactive
/// counterfactual; and the budget's month-to-date sum, which follows a renamed service's scale target.
/// </summary>
public sealed class SpendLedgerTests : IDisposable
{
    private static readonly DateTimeOffset Midnight = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private readonly string _root = Directory.CreateTempSubdirectory("dso-spend-").FullName;

    [Fact]
    public async Task SpendByDay_Sqlite_GroupsTheLedgerByEndDayWithTheCounterfactual()
    {
        using var store = new SqliteDecisionLog(new SqliteDecisionLogOptions(Path.Combine(_root, "s.db")));
        await GroupsByEndDayAsync(store);
    }

    [PostgresFact]
    public async Task SpendByDay_Postgres_GroupsTheLedgerByEndDayWithTheCounterfactual()
    {
        using var cluster = PostgresCluster.Start();
        using var store = new PostgresDecisionLog(new PostgresDecisionLogOptions(cluster.CreateDatabase()));
        await GroupsByEndDayAsync(store);
    }

    [Fact]
    public async Task SpendSince_Sqlite_RenamedServiceCountsTheOldNamesSpendOnItsScaleTargetOnce()
    {
        using var store = new SqliteDecisionLog(new SqliteDecisionLogOptions(Path.Combine(_root, "t.db")));
        await CountsTheTargetOnceAsync(store);
    }

    [PostgresFact]
    public async Task SpendSince_Postgres_RenamedServiceCountsTheOldNamesSpendOnItsScaleTargetOnce()
    {
        using var cluster = PostgresCluster.Start();
        using var store = new PostgresDecisionLog(new PostgresDecisionLogOptions(cluster.CreateDatabase()));
        await CountsTheTargetOnceAsync(store);
    }

    [Fact]
    public async Task Migration_Sqlite_SpendWrittenBeforeTargets_CountsForItsOwnNameOnly()
    {
        var path = Path.Combine(_root, "old.db");
        using (new SqliteDecisionLog(new SqliteDecisionLogOptions(path)))
        {
        }

        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await WriteAsBuild9Async(connection, "DROP TABLE alert_incidents; DROP TABLE planner_state; PRAGMA user_version = 9;");
        }

        using var upgraded = new SqliteDecisionLog(new SqliteDecisionLogOptions(path));
        await CountsUntargetedRowsForTheirNameAsync(upgraded);
    }

    [PostgresFact]
    public async Task Migration_Postgres_SpendWrittenBeforeTargets_CountsForItsOwnNameOnly()
    {
        using var cluster = PostgresCluster.Start();
        var connectionString = cluster.CreateDatabase();
        using (new PostgresDecisionLog(new PostgresDecisionLogOptions(connectionString)))
        {
        }

        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await WriteAsBuild9Async(connection, "DROP TABLE alert_incidents; DROP TABLE planner_state; DELETE FROM dso_schema; INSERT INTO dso_schema (version) VALUES (9);");
        }

        using var upgraded = new PostgresDecisionLog(new PostgresDecisionLogOptions(connectionString));
        await CountsUntargetedRowsForTheirNameAsync(upgraded);
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

    private static async Task GroupsByEndDayAsync(IDecisionStore store)
    {
        // Decisions alone are not spend: a day with decisions and no ledger entries shows nothing.
        await DecisionLogSeeder.SeedServiceAsync(new DecisionsOnly(store), "quiet", 0, Midnight.AddDays(-3), Midnight.AddDays(-2), TimeSpan.FromHours(1));

        await store.RecordSpendAsync(new SpendEntry("a", Midnight.AddHours(-2), Midnight.AddHours(-1), 1.25m, 1.25m, 2.00m), default);
        await store.RecordSpendAsync(new SpendEntry("a", Midnight.AddMinutes(-30), Midnight.AddMinutes(30), 0.50m, 0.50m, 0.80m), default);
        await store.RecordSpendAsync(new SpendEntry("a", Midnight.AddHours(1), Midnight.AddHours(2), 0.10m, 0.10m), default);
        await store.RecordSpendAsync(new SpendEntry("b", Midnight.AddHours(-5), Midnight.AddHours(-4), 3.00m, 3.00m, 3.50m), default);
        await store.RecordSpendAsync(new SpendEntry("b", Midnight.AddDays(2), Midnight.AddDays(2).AddHours(1), 9m, 9m, 9m), default);

        var days = await store.SpendByDayAsync(Midnight.AddDays(-5), Midnight.AddDays(1), default);
        Assert.Equal(
            [
                ("a", new DateOnly(2026, 11, 19), 1.25m, 2.00m, 1),
                ("b", new DateOnly(2026, 11, 19), 3.00m, 3.50m, 1),
                ("a", new DateOnly(2026, 11, 20), 0.60m, 0.90m, 2),
            ],
            days.Select(d => (d.Service, d.Day, decimal.Round(d.SpentUsd, 6), decimal.Round(d.ReactiveUsd, 6), d.Entries)).ToList());

        // The budget reads the same rows: from midnight on, service a spent what showback counts for that day.
        Assert.Equal(0.60m, (await store.SpendSinceAsync("a", null, Midnight, default)).Usd);
    }

    /// <summary>
    /// Service a billed scale group shop-web, was renamed to b (same provider and group) and b's ledger continues it; d
    /// once billed the same group, and c bills another one. b's month-to-date spend is its own plus the group's spend
    /// under other names, each interval once: a's last entry ran half an hour into b's first (a tick in flight during
    /// the reload) and counts only for the half b did not record; d's lies wholly under entries counted before it.
    /// </summary>
    private static async Task CountsTheTargetOnceAsync(IDecisionStore store)
    {
        const string Shop = "simulated/shop-web";
        SpendEntry On(string target, string service, double fromHours, double toHours, decimal usd) =>
            new SpendEntry(service, Midnight.AddHours(fromHours), Midnight.AddHours(toHours), usd, usd / (decimal)(toHours - fromHours)) { Target = target };

        await store.RecordSpendAsync(new SpendEntry("a", Midnight.AddHours(-1), Midnight, 1m, 1m), default); // written before targets were recorded
        await store.RecordSpendAsync(On(Shop, "a", -48, -47, 7m), default); // before the period
        await store.RecordSpendAsync(On(Shop, "a", 0, 1, 2m), default);
        await store.RecordSpendAsync(On(Shop, "a", 1, 2, 2m), default);
        await store.RecordSpendAsync(On("simulated/other", "c", 0, 1, 5m), default);
        await store.RecordSpendAsync(On(Shop, "d", 1.5, 2.5, 10m), default);
        await store.RecordSpendAsync(On(Shop, "b", 2, 3, 3m), default);
        await store.RecordSpendAsync(On(Shop, "a", 2.5, 3.5, 4m), default);

        var b = await store.SpendSinceAsync("b", Shop, Midnight, default);
        Assert.Equal(3m + 2m + 2m + 2m, decimal.Round(b.Usd, 10));
        Assert.Equal(["a"], b.CarriedOver.Keys);
        Assert.Equal(6m, decimal.Round(b.CarriedOver["a"], 10));
        // b's ledger continues from the group's newest entry, whoever wrote it.
        Assert.Equal(("a", Midnight.AddHours(3.5), Shop), (b.Last!.Service, b.Last.To, b.Last.Target));

        // Without a target, or on a group of the same name on another provider, only the service's own entries count.
        Assert.Equal(3m, (await store.SpendSinceAsync("b", null, Midnight, default)).Usd);
        var elsewhere = await store.SpendSinceAsync("b", "aws/shop-web", Midnight, default);
        Assert.Equal((3m, 0), (elsewhere.Usd, elsewhere.CarriedOver.Count));

        // Renamed back to a: all of a's own entries (the untargeted one too), d's half hour that a did not record, none of b's.
        var a = await store.SpendSinceAsync("a", Shop, Midnight, default);
        Assert.Equal(1m + 2m + 2m + 4m + 5m, decimal.Round(a.Usd, 10));
        Assert.Equal(5m, decimal.Round(Assert.Single(a.CarriedOver, kv => kv.Key == "d").Value, 10));
        Assert.DoesNotContain("b", a.CarriedOver.Keys);

        // Showback stays per name: each row under the name that wrote it, so nothing is counted twice across services.
        var day = await store.SpendByDayAsync(Midnight, Midnight.AddDays(1), default);
        Assert.Equal(
            [("a", 9m), ("b", 3m), ("c", 5m), ("d", 10m)],
            day.OrderBy(d => d.Service, StringComparer.Ordinal).Select(d => (d.Service, decimal.Round(d.SpentUsd, 6))).ToList());
    }

    /// <summary>Takes the schema back to version 9 (no spend target) and writes a spend row the way build 9 did.</summary>
    private static async Task WriteAsBuild9Async(DbConnection connection, string setVersion)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"""
            DROP INDEX spend_target_to;
            ALTER TABLE spend DROP COLUMN target;
            INSERT INTO spend (service, from_ts, to_ts, usd, hourly_usd, reactive_usd)
                VALUES ('a', '{DecisionSql.Format(Midnight)}', '{DecisionSql.Format(Midnight.AddHours(1))}', '2.5', '2.5', NULL);
            {setVersion}
            """;
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Which group an old row billed is not in the log, so it stays untargeted: it counts for its own name as before, and
    /// not for a new name on a group (the rename fix covers spend recorded from the upgrade on).
    /// </summary>
    private static async Task CountsUntargetedRowsForTheirNameAsync(IDecisionStore store)
    {
        const string Shop = "simulated/shop-web";
        await store.RecordSpendAsync(new SpendEntry("a", Midnight.AddHours(1), Midnight.AddHours(2), 1m, 1m) { Target = Shop }, default);

        var a = await store.SpendSinceAsync("a", Shop, Midnight, default);
        Assert.Equal((3.5m, 0), (a.Usd, a.CarriedOver.Count));
        Assert.Equal(Shop, a.Last!.Target);
        var b = await store.SpendSinceAsync("b", Shop, Midnight, default);
        Assert.Equal(1m, b.Usd);
        Assert.Equal(1m, b.CarriedOver["a"]);
    }

    /// <summary>Passes decisions through and hides the ledger, so the seeder writes no spend.</summary>
    private sealed class DecisionsOnly(IDecisionLog log) : IDecisionLog
    {
        public Task AppendAsync(ScalingDecision decision, CancellationToken cancellationToken) => log.AppendAsync(decision, cancellationToken);

        public Task RecordOutcomeAsync(DecisionOutcome outcome, CancellationToken cancellationToken) => log.RecordOutcomeAsync(outcome, cancellationToken);

        public Task AppendEventAsync(string service, DateTimeOffset at, string kind, string message, CancellationToken cancellationToken) =>
            log.AppendEventAsync(service, at, kind, message, cancellationToken);

        public Task<IReadOnlyList<DecisionRecord>> RecentAsync(string? service, int limit, CancellationToken cancellationToken) => log.RecentAsync(service, limit, cancellationToken);

        public Task<DecisionRecord?> LastAsync(string service, CancellationToken cancellationToken) => log.LastAsync(service, cancellationToken);
    }
}
