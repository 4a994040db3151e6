using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Dso.DecisionLog;

/// <summary>
/// SQLite's <c>PRAGMA quick_check</c> on a decision log file before the service opens it. A damaged page is otherwise
/// found only by the first query that reads it: the service started, then its budget API failed on every call. The
/// check reads every page once, so its cost grows with the file: 100,000 decisions (240 MB) took 0.36 s from the page
/// cache and 3.1 s from a cold cache on the build machine's disk. It is bounded by a time budget: past it, SQLite is
/// interrupted and the result says the check did not finish.
/// </summary>
public static class SqliteIntegrity
{
    /// <summary>At most this many problems are listed (quick_check's own limit): the first few say enough.</summary>
    private const int MaxProblems = 5;

    /// <summary>SQLITE_INTERRUPT.</summary>
    private const int Interrupted = 9;

    /// <summary>Checks the database at <paramref name="path"/> within <paramref name="budget"/>.</summary>
    public static SqliteIntegrityResult QuickCheck(string path, TimeSpan budget)
    {
        var clock = Stopwatch.StartNew();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        var gate = new Lock();
        var running = true;
        try
        {
            connection.Open();
            var handle = connection.Handle;
            // sqlite3_interrupt is the one call SQLite allows from another thread (the pragma then fails with
            // SQLITE_INTERRUPT); the gate keeps a late timer from calling it on a connection being closed.
            using var timer = new Timer(_ =>
            {
                lock (gate)
                {
                    if (running)
                    {
                        SQLitePCL.raw.sqlite3_interrupt(handle);
                    }
                }
            }, null, budget, Timeout.InfiniteTimeSpan);
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"PRAGMA quick_check({MaxProblems})";
            var rows = new List<string>();
            using (var reader = cmd.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add(reader.GetString(0).ReplaceLineEndings(" "));
                }
            }

            return rows is ["ok"]
                ? new SqliteIntegrityResult(SqliteIntegrityStatus.Ok, [], clock.Elapsed)
                : new SqliteIntegrityResult(SqliteIntegrityStatus.Damaged, rows, clock.Elapsed);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == Interrupted)
        {
            return new SqliteIntegrityResult(SqliteIntegrityStatus.Unfinished, [], clock.Elapsed);
        }
        catch (SqliteException ex) when (DecisionLogException.IsDamage(ex))
        {
            // A page too damaged for the check itself to walk: SQLite stops the pragma with the error instead of a row.
            return new SqliteIntegrityResult(SqliteIntegrityStatus.Damaged, [ex.Message], clock.Elapsed);
        }
        finally
        {
            lock (gate)
            {
                running = false;
            }
        }
    }
}

/// <summary>What <see cref="SqliteIntegrity.QuickCheck"/> found.</summary>
public enum SqliteIntegrityStatus
{
    Ok,
    Damaged,

    /// <summary>The time budget ran out first: nothing is known either way.</summary>
    Unfinished,
}

/// <summary>The outcome of an integrity check, SQLite's own problem lines (when damaged) and how long it took.</summary>
public sealed record SqliteIntegrityResult(SqliteIntegrityStatus Status, IReadOnlyList<string> Problems, TimeSpan Elapsed);
