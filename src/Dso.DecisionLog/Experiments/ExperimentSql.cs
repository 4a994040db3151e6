using System.Data.Common;
using System.Globalization;

namespace Dso.DecisionLog.Experiments;

/// <summary>
/// The experiment tables' SQL, one dialect for SQLite and PostgreSQL like <see cref="DecisionSql"/>: upserts with
/// <c>ON CONFLICT ... DO UPDATE SET col = excluded.col</c>, times as ISO-8601 text, money as invariant decimal text.
/// </summary>
internal static class ExperimentSql
{
    private const string ExperimentColumns = "name, run, start_ts, state, stopped_variants, winner, note, updated_ts";

    private const string BlockColumns = "experiment, run, service, block, variant, start_ts, measured_s, washout_s, cost_usd, served, unserved, violation_s, actions, last_ts";

    public static async Task<ExperimentRecord> StartExperimentAsync(DbCommand cmd, ExperimentRecord record, CancellationToken ct)
    {
        cmd.CommandText = $"INSERT INTO experiments ({ExperimentColumns}) VALUES (@name, @run, @start, @state, @stopped, @winner, @note, @updated) ON CONFLICT (name) DO NOTHING";
        BindExperiment(cmd, record);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return await FindExperimentAsync(cmd, record.Name, ct).ConfigureAwait(false) ?? record;
    }

    public static async Task SaveExperimentAsync(DbCommand cmd, ExperimentRecord record, CancellationToken ct)
    {
        cmd.CommandText = $"""
            INSERT INTO experiments ({ExperimentColumns}) VALUES (@name, @run, @start, @state, @stopped, @winner, @note, @updated)
            ON CONFLICT (name) DO UPDATE SET run = excluded.run, start_ts = excluded.start_ts, state = excluded.state,
                stopped_variants = excluded.stopped_variants, winner = excluded.winner, note = excluded.note, updated_ts = excluded.updated_ts
            """;
        BindExperiment(cmd, record);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public static async Task<ExperimentRecord?> FindExperimentAsync(DbCommand cmd, string name, CancellationToken ct)
    {
        cmd.Parameters.Clear();
        cmd.CommandText = $"SELECT {ExperimentColumns} FROM experiments WHERE name = @name";
        DecisionSql.Add(cmd, "name", name);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false)
            ? new ExperimentRecord(
                r.GetString(0), r.GetString(1), Time(r.GetString(2)), r.GetString(3),
                System.Text.Json.JsonSerializer.Deserialize<string[]>(r.GetString(4)) ?? [],
                r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6), Time(r.GetString(7)))
            : null;
    }

    public static async Task<IReadOnlyList<ExperimentBlockRecord>> BlocksAsync(DbCommand cmd, string experiment, string run, CancellationToken ct)
    {
        cmd.CommandText = $"SELECT {BlockColumns} FROM experiment_blocks WHERE experiment = @e AND run = @run ORDER BY block, service";
        DecisionSql.Add(cmd, "e", experiment);
        DecisionSql.Add(cmd, "run", run);
        var blocks = new List<ExperimentBlockRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            blocks.Add(new ExperimentBlockRecord(
                r.GetString(0), r.GetString(1), r.GetString(2), Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture), r.GetString(4),
                Time(r.GetString(5)), Real(r, 6), Real(r, 7), decimal.Parse(r.GetString(8), CultureInfo.InvariantCulture),
                Real(r, 9), Real(r, 10), Real(r, 11), Convert.ToInt32(r.GetValue(12), CultureInfo.InvariantCulture), Time(r.GetString(13))));
        }

        return blocks;
    }

    public static async Task SaveBlockAsync(DbCommand cmd, ExperimentBlockRecord b, CancellationToken ct)
    {
        cmd.Parameters.Clear();
        cmd.CommandText = $"""
            INSERT INTO experiment_blocks ({BlockColumns})
            VALUES (@e, @run, @service, @block, @variant, @start, @measured, @washout, @cost, @served, @unserved, @violation, @actions, @last)
            ON CONFLICT (experiment, run, service, block) DO UPDATE SET variant = excluded.variant, measured_s = excluded.measured_s,
                washout_s = excluded.washout_s, cost_usd = excluded.cost_usd, served = excluded.served, unserved = excluded.unserved,
                violation_s = excluded.violation_s, actions = excluded.actions, last_ts = excluded.last_ts
            """;
        DecisionSql.Add(cmd, "e", b.Experiment);
        DecisionSql.Add(cmd, "run", b.Run);
        DecisionSql.Add(cmd, "service", b.Service);
        DecisionSql.Add(cmd, "block", b.Block);
        DecisionSql.Add(cmd, "variant", b.Variant);
        DecisionSql.Add(cmd, "start", DecisionSql.Format(b.Start));
        DecisionSql.Add(cmd, "measured", b.MeasuredSeconds);
        DecisionSql.Add(cmd, "washout", b.WashoutSeconds);
        DecisionSql.Add(cmd, "cost", b.CostUsd.ToString(CultureInfo.InvariantCulture));
        DecisionSql.Add(cmd, "served", b.RequestsServed);
        DecisionSql.Add(cmd, "unserved", b.UnservedRequests);
        DecisionSql.Add(cmd, "violation", b.ViolationSeconds);
        DecisionSql.Add(cmd, "actions", b.ScalingActions);
        DecisionSql.Add(cmd, "last", DecisionSql.Format(b.LastObserved));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static void BindExperiment(DbCommand cmd, ExperimentRecord record)
    {
        cmd.Parameters.Clear();
        DecisionSql.Add(cmd, "name", record.Name);
        DecisionSql.Add(cmd, "run", record.Run);
        DecisionSql.Add(cmd, "start", DecisionSql.Format(record.Start));
        DecisionSql.Add(cmd, "state", record.State);
        DecisionSql.Add(cmd, "stopped", System.Text.Json.JsonSerializer.Serialize(record.StoppedVariants));
        DecisionSql.Add(cmd, "winner", record.Winner);
        DecisionSql.Add(cmd, "note", record.Note);
        DecisionSql.Add(cmd, "updated", DecisionSql.Format(record.Updated));
    }

    private static DateTimeOffset Time(string at) => DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static double Real(DbDataReader r, int i) => r.IsDBNull(i) ? 0 : Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture);
}
