using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.DecisionLog.Queries;

namespace Dso.DecisionLog;

/// <summary>
/// The SQL both stores share: one dialect (named <c>@</c> parameters, integer booleans, ISO-8601 text times beside
/// epoch milliseconds, <c>ON CONFLICT DO NOTHING</c>) that SQLite and PostgreSQL both understand, so a query
/// means the same thing on either. Asynchronous throughout, so PostgreSQL waits without holding a thread and a cancelled request stops its query; the SQLite store runs it under its single-connection gate.
/// </summary>
internal static partial class DecisionSql
{
    private const string RecordColumns = "d.seq, d.payload, o.at, o.status, o.after_fleet, o.launched, o.terminated, o.message";

    public const string InsertDecision = """
        INSERT INTO decisions (id, service, ts, policy_version, variant, strategy, reason, before_fleet, chosen_fleet, hourly_cost, held, is_change, payload,
            ts_ms, demand, latency_p95, forecast_p50, forecast_p90, ready_capacity, billed_capacity, reactive_cost, anomaly_count, anomaly_summary, spent_usd, reactive_usd,
            experiment, block)
        VALUES (@id, @service, @ts, @pv, @variant, @strategy, @reason, @before, @chosen, @cost, @held, @change, @payload,
            @ts_ms, @demand, @latency, @p50, @p90, @ready, @billed, @reactive, @anomalies, @anomaly_summary, @spent, @reactive_usd,
            @experiment, @block)
        """;

    public const string InsertOutcome = """
        INSERT INTO outcomes (decision_id, at, status, after_fleet, launched, terminated, message)
        VALUES (@id, @at, @status, @after, @launched, @terminated, @message)
        ON CONFLICT (decision_id) DO NOTHING
        """;

    public const string InsertEvent = "INSERT INTO events (service, ts, kind, message) VALUES (@s, @ts, @k, @m)";

    public const string LastCost = "SELECT ts_ms, hourly_cost, reactive_cost FROM decisions WHERE service = @s ORDER BY seq DESC LIMIT 1";

    public static void BindDecision(DbCommand cmd, ScalingDecision d, DecisionRow row, (double Spent, double Reactive) cost)
    {
        Add(cmd, "id", d.Id);
        Add(cmd, "service", d.Service);
        Add(cmd, "ts", Format(d.Timestamp));
        Add(cmd, "pv", d.PolicyVersion);
        Add(cmd, "variant", d.Variant);
        Add(cmd, "strategy", d.Strategy);
        Add(cmd, "reason", d.Reason);
        Add(cmd, "before", d.Before.ToString());
        Add(cmd, "chosen", d.Chosen.ToString());
        Add(cmd, "cost", (double)d.ChosenHourlyCost);
        Add(cmd, "held", d.Held ? 1 : 0);
        Add(cmd, "change", d.IsChange ? 1 : 0);
        Add(cmd, "payload", JsonSerializer.Serialize(d, DecisionJson.Options));
        Add(cmd, "ts_ms", row.TimestampMs);
        Add(cmd, "demand", row.Demand);
        Add(cmd, "latency", row.LatencyP95);
        Add(cmd, "p50", row.ForecastP50);
        Add(cmd, "p90", row.ForecastP90);
        Add(cmd, "ready", row.ReadyCapacity);
        Add(cmd, "billed", row.BilledCapacity);
        Add(cmd, "reactive", row.ReactiveCost);
        Add(cmd, "anomalies", row.AnomalyCount);
        Add(cmd, "anomaly_summary", row.AnomalySummary);
        Add(cmd, "spent", cost.Spent);
        Add(cmd, "reactive_usd", cost.Reactive);
        Add(cmd, "experiment", d.Experiment);
        Add(cmd, "block", d.Block);
    }

    public static void BindOutcome(DbCommand cmd, DecisionOutcome outcome)
    {
        Add(cmd, "id", outcome.DecisionId);
        Add(cmd, "at", Format(outcome.At));
        Add(cmd, "status", outcome.Status.ToString());
        Add(cmd, "after", outcome.After.ToString());
        Add(cmd, "launched", outcome.Launched);
        Add(cmd, "terminated", outcome.Terminated);
        Add(cmd, "message", outcome.Message);
    }

    public static void BindEvent(DbCommand cmd, string service, DateTimeOffset at, string kind, string message)
    {
        Add(cmd, "s", service);
        Add(cmd, "ts", Format(at));
        Add(cmd, "k", kind);
        Add(cmd, "m", message);
    }

    public static async Task<(long Ms, double Hourly, double? Reactive)?> ReadLastCostAsync(DbCommand cmd, string service, CancellationToken ct)
    {
        cmd.CommandText = LastCost;
        Add(cmd, "s", service);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? (reader.GetInt64(0), reader.GetDouble(1), reader.IsDBNull(2) ? null : reader.GetDouble(2)) : null;
    }

    public static async Task<IReadOnlyList<DecisionRecord>> RecentAsync(DbCommand cmd, string? service, int limit, CancellationToken ct) =>
        (await QueryAsync(cmd, new DecisionQuery { Service = service, Limit = Math.Clamp(limit, 1, 10_000) }, ct).ConfigureAwait(false)).Items.ToList();

    public static async Task<DecisionPage> QueryAsync(DbCommand cmd, DecisionQuery q, CancellationToken ct)
    {
        var where = new List<string>();
        void Filter(string clause, string name, object value)
        {
            where.Add(clause);
            Add(cmd, name, value);
        }

        if (q.Service is not null) { Filter("d.service = @service", "service", q.Service); }
        if (q.From is { } from) { Filter("d.ts_ms >= @from", "from", from.ToUnixTimeMilliseconds()); }
        if (q.To is { } to) { Filter("d.ts_ms < @to", "to", to.ToUnixTimeMilliseconds()); }
        if (q.Variant is not null) { Filter("d.variant = @variant", "variant", q.Variant); }
        if (q.Strategy is not null) { Filter("d.strategy = @strategy", "strategy", q.Strategy); }
        if (q.Experiment is not null) { Filter("d.experiment = @experiment", "experiment", q.Experiment); }
        if (q.Block is { } block) { Filter("d.block = @block", "block", block); }
        if (q.ChangesOnly) { where.Add("d.is_change = 1"); }
        if (q.Held is { } held) { where.Add(held ? "d.held = 1" : "d.held = 0"); }
        if (q.Anomalies is { } anomalous) { where.Add(anomalous ? "d.anomaly_count > 0" : "d.anomaly_count = 0"); }
        if (q.Outcome is "pending") { where.Add("o.decision_id IS NULL"); }
        else if (q.Outcome is not null) { Filter("o.status = @outcome", "outcome", q.Outcome); }
        if (q.Before is { } before) { Filter("d.seq < @before", "before", before); }

        var limit = Math.Max(1, q.Limit);
        Add(cmd, "limit", limit + 1);
        cmd.CommandText = $"""
            SELECT {RecordColumns}
            FROM decisions d LEFT JOIN outcomes o ON o.decision_id = d.id
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY d.seq DESC LIMIT @limit
            """;
        var records = await ReadRecordsAsync(cmd, ct).ConfigureAwait(false);
        return records.Count > limit
            ? new DecisionPage(records.Take(limit).ToList(), records[limit - 1].Sequence)
            : new DecisionPage(records, null);
    }

    public static async Task<DecisionRecord?> FindAsync(DbCommand cmd, string id, CancellationToken ct)
    {
        cmd.CommandText = $"SELECT {RecordColumns} FROM decisions d LEFT JOIN outcomes o ON o.decision_id = d.id WHERE d.id = @id";
        Add(cmd, "id", id);
        return (await ReadRecordsAsync(cmd, ct).ConfigureAwait(false)).FirstOrDefault();
    }

    public static async Task<List<SeriesBucket>> BucketsAsync(DbCommand cmd, string service, long fromMs, long toMs, long bucketMs, CancellationToken ct)
    {
        RangeParameters(cmd, service, fromMs, toMs);
        Add(cmd, "b", bucketMs);
        cmd.CommandText = """
            SELECT (ts_ms / @b) * @b, COUNT(*), AVG(demand), MAX(demand), AVG(latency_p95), AVG(forecast_p50), AVG(forecast_p90),
                   AVG(ready_capacity), AVG(billed_capacity), AVG(hourly_cost), AVG(reactive_cost),
                   SUM(spent_usd), SUM(reactive_usd), SUM(anomaly_count), SUM(is_change), SUM(held)
            FROM decisions WHERE service = @service AND ts_ms >= @from AND ts_ms < @to
            GROUP BY 1 ORDER BY 1
            """;
        var buckets = new List<SeriesBucket>();
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                buckets.Add(new SeriesBucket(
                    DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture)),
                    Int(r, 1), Real(r, 2), Real(r, 3), Real(r, 4), Real(r, 5), Real(r, 6), Real(r, 7), Real(r, 8), Real(r, 9), Real(r, 10),
                    Real(r, 11) ?? 0, Real(r, 12) ?? 0, Int(r, 13), Int(r, 14), Int(r, 15)));
            }
        }

        // The fleet at the end of each bucket: the row with the bucket's highest sequence number.
        cmd.CommandText = """
            SELECT (ts_ms / @b) * @b, chosen_fleet FROM decisions WHERE seq IN (
                SELECT MAX(seq) FROM decisions WHERE service = @service AND ts_ms >= @from AND ts_ms < @to GROUP BY (ts_ms / @b))
            """;
        var fleets = new Dictionary<long, IReadOnlyDictionary<string, int>>();
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                fleets[Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture)] = Fleet.Parse(r.GetString(1)).Counts;
            }
        }

        return buckets.Select(b => fleets.TryGetValue(b.Start.ToUnixTimeMilliseconds(), out var f) ? b with { Fleet = f } : b).ToList();
    }

    public static async Task<List<SeriesMarker>> MarkersAsync(DbCommand cmd, string service, long fromMs, long toMs, CancellationToken ct)
    {
        RangeParameters(cmd, service, fromMs, toMs);
        Add(cmd, "limit", ServiceSeries.MaxMarkers);
        cmd.CommandText = """
            SELECT ts_ms, id, is_change, held, anomaly_count, strategy, before_fleet, chosen_fleet, anomaly_summary
            FROM decisions WHERE service = @service AND ts_ms >= @from AND ts_ms < @to AND (is_change = 1 OR held = 1 OR anomaly_count > 0)
            ORDER BY ts_ms DESC LIMIT @limit
            """;
        var markers = new List<SeriesMarker>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0));
            var id = r.GetString(1);
            if (Int(r, 3) > 0)
            {
                markers.Add(new SeriesMarker(at, "held", id, $"held: {r.GetString(5)}"));
            }
            else if (Int(r, 2) > 0)
            {
                markers.Add(new SeriesMarker(at, "change", id, $"{r.GetString(6)} -> {r.GetString(7)} ({r.GetString(5)})"));
            }

            if (Int(r, 4) > 0)
            {
                markers.Add(new SeriesMarker(at, "anomaly", id, r.IsDBNull(8) ? "anomaly" : r.GetString(8)));
            }
        }

        markers.Reverse();
        return markers;
    }

    public static async Task<IReadOnlyList<ServiceTotals>> TotalsAsync(DbCommand cmd, long fromMs, long toMs, CancellationToken ct)
    {
        Add(cmd, "from", fromMs);
        Add(cmd, "to", toMs);
        cmd.CommandText = """
            SELECT service, SUM(spent_usd), SUM(reactive_usd), COUNT(*), SUM(held), SUM(CASE WHEN anomaly_count > 0 THEN 1 ELSE 0 END), SUM(is_change), AVG(latency_p95)
            FROM decisions WHERE ts_ms >= @from AND ts_ms < @to GROUP BY service ORDER BY service
            """;
        var rows = new List<ServiceTotals>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(new ServiceTotals(r.GetString(0), Real(r, 1) ?? 0, Real(r, 2) ?? 0, Int(r, 3), Int(r, 4), Int(r, 5), Int(r, 6), Real(r, 7)));
        }

        return rows;
    }

    public static async Task<IReadOnlyList<LoggedEvent>> EventsAsync(DbCommand cmd, string? service, string? kind, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken ct)
    {
        var where = new List<string>();
        if (service is not null) { where.Add("service = @s"); Add(cmd, "s", service); }
        if (kind is not null) { where.Add("kind = @k"); Add(cmd, "k", kind); }
        if (from is { } f) { where.Add("ts >= @from"); Add(cmd, "from", Format(f)); }
        if (to is { } t) { where.Add("ts < @to"); Add(cmd, "to", Format(t)); }
        Add(cmd, "limit", Math.Clamp(limit, 1, 10_000));
        cmd.CommandText = $"SELECT seq, service, ts, kind, message FROM events {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))} ORDER BY seq DESC LIMIT @limit";
        var rows = new List<LoggedEvent>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(new LoggedEvent(r.GetInt64(0), r.GetString(1), DateTimeOffset.Parse(r.GetString(2), CultureInfo.InvariantCulture), r.GetString(3), r.GetString(4)));
        }

        return rows;
    }

    /// <summary>Statements for one transaction: outcomes first (they reference decisions), then decisions, events, approvals and planner states.</summary>
    public static async Task<RetentionResult> PurgeAsync(Func<DbCommand> command, DateTimeOffset decisionsBefore, DateTimeOffset eventsBefore, CancellationToken ct)
    {
        async Task<int> Run(string sql, string name, object value)
        {
            await using var cmd = command();
            cmd.CommandText = sql;
            Add(cmd, name, value);
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var cut = decisionsBefore.ToUnixTimeMilliseconds();
        var outcomes = await Run("DELETE FROM outcomes WHERE decision_id IN (SELECT id FROM decisions WHERE ts_ms < @cut)", "cut", cut).ConfigureAwait(false);
        var decisions = await Run("DELETE FROM decisions WHERE ts_ms < @cut", "cut", cut).ConfigureAwait(false);
        var events = await Run("DELETE FROM events WHERE ts < @cut", "cut", Format(eventsBefore)).ConfigureAwait(false);
        await Run(ApprovalSql.Purge, "cut", cut).ConfigureAwait(false);
        // A planner state is restored only within minutes of its save: one past the events' retention belongs to a
        // service no longer running.
        await Run("DELETE FROM planner_state WHERE saved_ts < @cut", "cut", Format(eventsBefore)).ConfigureAwait(false);
        return new RetentionResult(decisions, outcomes, events);
    }

    internal static DateTimeOffset ParseTime(string at) => DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    public static void Add(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = "@" + name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
    }

    private static void RangeParameters(DbCommand cmd, string service, long fromMs, long toMs)
    {
        cmd.Parameters.Clear();
        Add(cmd, "service", service);
        Add(cmd, "from", fromMs);
        Add(cmd, "to", toMs);
    }

    private static async Task<List<DecisionRecord>> ReadRecordsAsync(DbCommand cmd, CancellationToken ct)
    {
        var records = new List<DecisionRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var decision = JsonSerializer.Deserialize<ScalingDecision>(reader.GetString(1), DecisionJson.Options)!;
            DecisionOutcome? outcome = reader.IsDBNull(2) ? null : new DecisionOutcome(
                decision.Id,
                DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
                Enum.Parse<ApplyStatus>(reader.GetString(3)),
                Fleet.Parse(reader.GetString(4)),
                Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(6), CultureInfo.InvariantCulture),
                reader.GetString(7));
            records.Add(new DecisionRecord(reader.GetInt64(0), decision, outcome));
        }

        return records;
    }

    private static double? Real(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture);

    private static int Int(DbDataReader r, int i) => r.IsDBNull(i) ? 0 : Convert.ToInt32(r.GetValue(i), CultureInfo.InvariantCulture);
}
