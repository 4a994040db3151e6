using System.Globalization;
using System.Text.Json;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Microsoft.Data.Sqlite;

namespace Dso.DecisionLog;

/// <summary>
/// The decision log in SQLite (WAL): one row per decision with the whole decision as JSON beside the columns
/// analysts filter on, and one row per outcome. Append-only: nothing is ever updated or deleted.
/// <see cref="SqliteDecisionLogOptions.BatchSize"/> above 1 groups writes into transactions (simulation
/// speed); the service commits every write.
/// </summary>
public sealed class SqliteDecisionLog : IDecisionLog, ISpendLog, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteDecisionLogOptions _options;
    private readonly Lock _gate = new();
    private SqliteTransaction? _batch;
    private int _batched;

    public SqliteDecisionLog(SqliteDecisionLogOptions options)
    {
        _options = options;
        if (Path.GetDirectoryName(Path.GetFullPath(options.Path)) is { } dir && options.Path != ":memory:")
        {
            Directory.CreateDirectory(dir);
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = options.Path, Pooling = false }.ToString());
        _connection.Open();
        Execute(options.Path == ":memory:" ? "PRAGMA foreign_keys=ON;" : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        Migrations.Apply(_connection);
    }

    public Task AppendAsync(ScalingDecision decision, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            using var cmd = Command("""
                INSERT INTO decisions (id, service, ts, policy_version, variant, strategy, reason, before_fleet, chosen_fleet, hourly_cost, held, is_change, payload)
                VALUES ($id, $service, $ts, $pv, $variant, $strategy, $reason, $before, $chosen, $cost, $held, $change, $payload)
                """);
            cmd.Parameters.AddWithValue("$id", decision.Id);
            cmd.Parameters.AddWithValue("$service", decision.Service);
            cmd.Parameters.AddWithValue("$ts", Format(decision.Timestamp));
            cmd.Parameters.AddWithValue("$pv", decision.PolicyVersion);
            cmd.Parameters.AddWithValue("$variant", decision.Variant);
            cmd.Parameters.AddWithValue("$strategy", decision.Strategy);
            cmd.Parameters.AddWithValue("$reason", decision.Reason);
            cmd.Parameters.AddWithValue("$before", decision.Before.ToString());
            cmd.Parameters.AddWithValue("$chosen", decision.Chosen.ToString());
            cmd.Parameters.AddWithValue("$cost", (double)decision.ChosenHourlyCost);
            cmd.Parameters.AddWithValue("$held", decision.Held ? 1 : 0);
            cmd.Parameters.AddWithValue("$change", decision.IsChange ? 1 : 0);
            cmd.Parameters.AddWithValue("$payload", JsonSerializer.Serialize(decision, DecisionJson.Options));
            Write(cmd, $"appending decision {decision.Id}");
        }

        return Task.CompletedTask;
    }

    public Task RecordOutcomeAsync(DecisionOutcome outcome, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            using var cmd = Command("""
                INSERT OR IGNORE INTO outcomes (decision_id, at, status, after_fleet, launched, terminated, message)
                VALUES ($id, $at, $status, $after, $launched, $terminated, $message)
                """);
            cmd.Parameters.AddWithValue("$id", outcome.DecisionId);
            cmd.Parameters.AddWithValue("$at", Format(outcome.At));
            cmd.Parameters.AddWithValue("$status", outcome.Status.ToString());
            cmd.Parameters.AddWithValue("$after", outcome.After.ToString());
            cmd.Parameters.AddWithValue("$launched", outcome.Launched);
            cmd.Parameters.AddWithValue("$terminated", outcome.Terminated);
            cmd.Parameters.AddWithValue("$message", outcome.Message);
            Write(cmd, $"recording the outcome of {outcome.DecisionId}");
        }

        return Task.CompletedTask;
    }

    public Task AppendEventAsync(string service, DateTimeOffset at, string kind, string message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            using var cmd = Command("INSERT INTO events (service, ts, kind, message) VALUES ($s, $ts, $k, $m)");
            cmd.Parameters.AddWithValue("$s", service);
            cmd.Parameters.AddWithValue("$ts", Format(at));
            cmd.Parameters.AddWithValue("$k", kind);
            cmd.Parameters.AddWithValue("$m", message);
            Write(cmd, $"appending a {kind} event for {service}");
        }

        return Task.CompletedTask;
    }

    public Task RecordSpendAsync(SpendEntry entry, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            using var cmd = Command("INSERT INTO spend (service, from_ts, to_ts, usd, hourly_usd) VALUES ($s, $from, $to, $usd, $hourly)");
            cmd.Parameters.AddWithValue("$s", entry.Service);
            cmd.Parameters.AddWithValue("$from", Format(entry.From));
            cmd.Parameters.AddWithValue("$to", Format(entry.To));
            cmd.Parameters.AddWithValue("$usd", entry.Usd.ToString(CultureInfo.InvariantCulture));
            cmd.Parameters.AddWithValue("$hourly", entry.HourlyUsd.ToString(CultureInfo.InvariantCulture));
            Write(cmd, $"recording spend of {entry.Service} up to {Format(entry.To)}");
        }

        return Task.CompletedTask;
    }

    public Task<SpendTotal> SpendSinceAsync(string service, DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var total = 0m;
            using (var sum = Command("SELECT usd FROM spend WHERE service = $s AND to_ts >= $since"))
            {
                sum.Parameters.AddWithValue("$s", service);
                sum.Parameters.AddWithValue("$since", Format(since));
                using var reader = sum.ExecuteReader();
                while (reader.Read())
                {
                    total += decimal.Parse(reader.GetString(0), CultureInfo.InvariantCulture);
                }
            }

            using var last = Command("SELECT from_ts, to_ts, usd, hourly_usd FROM spend WHERE service = $s ORDER BY seq DESC LIMIT 1");
            last.Parameters.AddWithValue("$s", service);
            using var row = last.ExecuteReader();
            SpendEntry? newest = row.Read()
                ? new SpendEntry(service, Parse(row.GetString(0)), Parse(row.GetString(1)),
                    decimal.Parse(row.GetString(2), CultureInfo.InvariantCulture), decimal.Parse(row.GetString(3), CultureInfo.InvariantCulture))
                : null;
            return Task.FromResult(new SpendTotal(total, newest));
        }
    }

    public Task<IReadOnlyList<DecisionRecord>> RecentAsync(string? service, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            using var cmd = Command($"""
                SELECT d.seq, d.payload, o.at, o.status, o.after_fleet, o.launched, o.terminated, o.message
                FROM decisions d LEFT JOIN outcomes o ON o.decision_id = d.id
                {(service is null ? "" : "WHERE d.service = $service")}
                ORDER BY d.seq DESC LIMIT $limit
                """);
            if (service is not null)
            {
                cmd.Parameters.AddWithValue("$service", service);
            }

            cmd.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 10_000));
            return Task.FromResult<IReadOnlyList<DecisionRecord>>(ReadRecords(cmd));
        }
    }

    public async Task<DecisionRecord?> LastAsync(string service, CancellationToken cancellationToken) =>
        (await RecentAsync(service, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>Recent non-decision events, newest first.</summary>
    public IReadOnlyList<(string Service, string At, string Kind, string Message)> RecentEvents(int limit)
    {
        lock (_gate)
        {
            using var cmd = Command("SELECT service, ts, kind, message FROM events ORDER BY seq DESC LIMIT $limit");
            cmd.Parameters.AddWithValue("$limit", limit);
            using var reader = cmd.ExecuteReader();
            var list = new List<(string, string, string, string)>();
            while (reader.Read())
            {
                list.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }

            return list;
        }
    }

    /// <summary>Commits a pending batch (simulation mode); a no-op when every write commits on its own.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            _batch?.Commit();
            _batch?.Dispose();
            _batch = null;
            _batched = 0;
        }
    }

    public void Dispose()
    {
        Flush();
        _connection.Dispose();
    }

    private List<DecisionRecord> ReadRecords(SqliteCommand cmd)
    {
        var records = new List<DecisionRecord>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var decision = JsonSerializer.Deserialize<ScalingDecision>(reader.GetString(1), DecisionJson.Options)!;
            DecisionOutcome? outcome = reader.IsDBNull(2) ? null : new DecisionOutcome(
                decision.Id,
                DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
                Enum.Parse<ApplyStatus>(reader.GetString(3)),
                Fleet.Parse(reader.GetString(4)),
                reader.GetInt32(5),
                reader.GetInt32(6),
                reader.GetString(7));
            records.Add(new DecisionRecord(reader.GetInt64(0), decision, outcome));
        }

        return records;
    }

    private void Write(SqliteCommand cmd, string what)
    {
        try
        {
            if (_options.BatchSize > 1)
            {
                _batch ??= _connection.BeginTransaction();
                cmd.Transaction = _batch;
                cmd.ExecuteNonQuery();
                if (++_batched >= _options.BatchSize)
                {
                    _batch.Commit();
                    _batch.Dispose();
                    _batch = null;
                    _batched = 0;
                }
            }
            else
            {
                cmd.ExecuteNonQuery();
            }
        }
        catch (SqliteException ex)
        {
            throw new InvalidOperationException($"decision log '{_options.Path}': {what} failed: {ex.Message}", ex);
        }
    }

    private SqliteCommand Command(string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = _batch;
        return cmd;
    }

    private void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }

    private static DateTimeOffset Parse(string at) => DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
