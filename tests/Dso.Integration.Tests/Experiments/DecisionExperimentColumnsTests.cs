using System.Data.Common;
using System.Text.Json;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Decisions;
using Dso.DecisionLog;
using Dso.DecisionLog.Queries;
using Dso.Integration.Tests.Infrastructure;
using Dso.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Dso.Integration.Tests.Experiments;

/// <summary>
/// Every decision names its experiment, block and variant as columns of the decision log (migration 9), on SQLite and
/// PostgreSQL alike: written with each decision, back-filled from the payload of a log written before the columns
/// existed, and filterable (<c>experiment</c>, <c>block</c>) through the same query the API and the pages use.
/// </summary>
public sealed class DecisionExperimentColumnsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Directory.CreateTempSubdirectory("dso-decision-experiment-").FullName;

    [Fact]
    public async Task Sqlite_DecisionsInAnExperiment_CarryExperimentAndBlockColumns()
    {
        var path = Path.Combine(_dir, "decisions.db");
        using (var store = new SqliteDecisionLog(new SqliteDecisionLogOptions(path)))
        {
            await WriteAndFilterAsync(store);
        }

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await AssertColumnsAsync(connection);
    }

    [PostgresFact]
    public async Task Postgres_DecisionsInAnExperiment_CarryExperimentAndBlockColumns()
    {
        using var cluster = PostgresCluster.Start();
        var connectionString = cluster.CreateDatabase();
        using (var store = new PostgresDecisionLog(new PostgresDecisionLogOptions(connectionString)))
        {
            await WriteAndFilterAsync(store);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await AssertColumnsAsync(connection);
    }

    [Fact]
    public async Task Migration_SqliteLogWrittenBeforeTheColumns_IsBackFilledFromThePayload()
    {
        var path = Path.Combine(_dir, "old.db");
        using (var store = new SqliteDecisionLog(new SqliteDecisionLogOptions(path)))
        {
            await store.AppendAsync(Decision("warm", 0, null, null, "default"), default);
        }

        // Take the log back to schema 8 (no open incidents, no planner state, no spend target, no experiment/block columns), then log decisions the way build 8 did.
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = """
                DROP TABLE alert_incidents;
                DROP TABLE planner_state;
                DROP INDEX spend_target_to;
                ALTER TABLE spend DROP COLUMN target;
                DROP INDEX decisions_experiment_block;
                ALTER TABLE decisions DROP COLUMN experiment;
                ALTER TABLE decisions DROP COLUMN block;
                PRAGMA user_version = 8;
                """;
            cmd.ExecuteNonQuery();
            foreach (var (id, experiment, block, variant) in new[] { ("old-a", "coverage", 7L, "q90"), ("old-b", (string?)null, (long?)null, "default") })
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO decisions (id, service, ts, policy_version, variant, strategy, reason, before_fleet, chosen_fleet, hourly_cost, held, is_change, payload, ts_ms) " +
                    "VALUES ($id, 'shop', '2026-12-01T01:00:00.000Z', 'v1', $variant, 'cost-optimizer', 'old', 'm=2', 'm=2', 0.2, 0, 0, $payload, $ms)";
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$variant", variant);
                insert.Parameters.AddWithValue("$payload", JsonSerializer.Serialize(Decision(id, 60, experiment, block, variant), DecisionJson.Options));
                insert.Parameters.AddWithValue("$ms", T0.AddMinutes(60).ToUnixTimeMilliseconds());
                insert.ExecuteNonQuery();
            }
        }

        using (var upgraded = new SqliteDecisionLog(new SqliteDecisionLogOptions(path)))
        {
            var page = await upgraded.QueryAsync(new DecisionQuery { Experiment = "coverage", Block = 7 }, default);
            Assert.Equal("old-a", Assert.Single(page.Items).Decision.Id);
        }

        await using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        var rows = await ReadColumnsAsync(raw);
        Assert.Equal(("coverage", 7L), rows["old-a"]);
        Assert.Equal(((string?)null, (long?)null), rows["old-b"]);
    }

    private static async Task WriteAndFilterAsync(IDecisionStore store)
    {
        var ct = CancellationToken.None;
        await store.AppendAsync(Decision("plain", 0, null, null, "default"), ct);
        await store.AppendAsync(Decision("b3-q90", 1, "coverage", 3, "q90"), ct);
        await store.AppendAsync(Decision("b4-q98", 2, "coverage", 4, "q98"), ct);
        await store.AppendAsync(Decision("b4-q98-again", 3, "coverage", 4, "q98"), ct);
        await store.AppendAsync(Decision("other", 4, "headroom", 4, "lean"), ct);

        var inCoverage = await store.QueryAsync(new DecisionQuery { Experiment = "coverage" }, ct);
        Assert.Equal(["b4-q98-again", "b4-q98", "b3-q90"], inCoverage.Items.Select(r => r.Decision.Id));
        var block4 = await store.QueryAsync(new DecisionQuery { Experiment = "coverage", Block = 4 }, ct);
        Assert.Equal(["b4-q98-again", "b4-q98"], block4.Items.Select(r => r.Decision.Id));
        Assert.All(block4.Items, r => Assert.Equal(("coverage", 4L, "q98"), (r.Decision.Experiment, r.Decision.Block!.Value, r.Decision.Variant)));
        Assert.Equal(["other", "b4-q98-again", "b4-q98"], (await store.QueryAsync(new DecisionQuery { Block = 4 }, ct)).Items.Select(r => r.Decision.Id));
    }

    private static async Task AssertColumnsAsync(DbConnection connection)
    {
        var rows = await ReadColumnsAsync(connection);
        Assert.Equal(((string?)null, (long?)null), rows["plain"]);
        Assert.Equal(("coverage", 3L), rows["b3-q90"]);
        Assert.Equal(("coverage", 4L), rows["b4-q98"]);
        Assert.Equal(("headroom", 4L), rows["other"]);
    }

    /// <summary>The columns themselves, read with plain SQL as an analyst would (not through the payload).</summary>
    private static async Task<Dictionary<string, (string? Experiment, long? Block)>> ReadColumnsAsync(DbConnection connection)
    {
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT id, experiment, block FROM decisions";
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new Dictionary<string, (string?, long?)>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture));
        }

        return rows;
    }

    private static ScalingDecision Decision(string id, int minute, string? experiment, long? block, string variant) => new()
    {
        Id = id,
        Service = "shop",
        Timestamp = T0.AddMinutes(minute),
        PolicyVersion = "v1",
        Variant = variant,
        Experiment = experiment,
        Block = block,
        Kpis = new Dictionary<string, double> { ["request_rate"] = 100 },
        Before = Fleet.Of(("m", 2)),
        Chosen = Fleet.Of(("m", 2)),
        ChosenHourlyCost = 0.2m,
        Strategy = "cost-optimizer",
        Reason = "test",
    };

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A file may be held for a moment.
        }
    }
}
