using Microsoft.Data.Sqlite;

namespace Dso.DecisionLog;

/// <summary>
/// Ordered schema migrations. Each runs once, in a transaction, and bumps <c>PRAGMA user_version</c>; a log
/// written by an older build is upgraded in place, never rewritten.
/// </summary>
internal static class Migrations
{
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE decisions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            service TEXT NOT NULL,
            ts TEXT NOT NULL,
            policy_version TEXT NOT NULL,
            variant TEXT NOT NULL,
            strategy TEXT NOT NULL,
            reason TEXT NOT NULL,
            before_fleet TEXT NOT NULL,
            chosen_fleet TEXT NOT NULL,
            hourly_cost REAL NOT NULL,
            held INTEGER NOT NULL,
            is_change INTEGER NOT NULL,
            payload TEXT NOT NULL);
        CREATE INDEX decisions_service_seq ON decisions(service, seq);
        CREATE TABLE outcomes (
            decision_id TEXT PRIMARY KEY REFERENCES decisions(id),
            at TEXT NOT NULL,
            status TEXT NOT NULL,
            after_fleet TEXT NOT NULL,
            launched INTEGER NOT NULL,
            terminated INTEGER NOT NULL,
            message TEXT NOT NULL);
        """,
        """
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            service TEXT NOT NULL,
            ts TEXT NOT NULL,
            kind TEXT NOT NULL,
            message TEXT NOT NULL);
        CREATE INDEX events_service_seq ON events(service, seq);
        """,
        // Month-to-date spend survives restarts: one row per tick, the amount as invariant decimal text so sums are exact.
        """
        CREATE TABLE spend (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            service TEXT NOT NULL,
            from_ts TEXT NOT NULL,
            to_ts TEXT NOT NULL,
            usd TEXT NOT NULL,
            hourly_usd TEXT NOT NULL);
        CREATE INDEX spend_service_to ON spend(service, to_ts);
        """,
    ];

    public static int Latest => Steps.Length;

    public static void Apply(SqliteConnection connection)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt32(read.ExecuteScalar());
        if (version > Steps.Length)
        {
            throw new InvalidOperationException($"decision log schema version {version} is newer than this build understands ({Steps.Length})");
        }

        for (var i = version; i < Steps.Length; i++)
        {
            using var tx = connection.BeginTransaction();
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = Steps[i] + $"\nPRAGMA user_version = {i + 1};";
            cmd.ExecuteNonQuery();
            tx.Commit();
        }
    }
}
