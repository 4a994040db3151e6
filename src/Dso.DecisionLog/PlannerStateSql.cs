using System.Data.Common;
using Dso.Abstractions.Decisions;

namespace Dso.DecisionLog;

/// <summary>The planner state's SQL, the same for SQLite and PostgreSQL (migration 11).</summary>
internal static class PlannerStateSql
{
    public const string Upsert = """
        INSERT INTO planner_state (service, saved_ts, lineage, state) VALUES (@s, @ts, @l, @st)
        ON CONFLICT (service) DO UPDATE SET saved_ts = excluded.saved_ts, lineage = excluded.lineage, state = excluded.state
        """;

    private const string Select = "SELECT saved_ts, lineage, state FROM planner_state WHERE service = @s";

    public static void Bind(DbCommand cmd, PlannerStateRecord record)
    {
        DecisionSql.Add(cmd, "s", record.Service);
        DecisionSql.Add(cmd, "ts", DecisionSql.Format(record.SavedAt));
        DecisionSql.Add(cmd, "l", record.Lineage);
        DecisionSql.Add(cmd, "st", record.State);
    }

    public static async Task<PlannerStateRecord?> ReadAsync(DbCommand cmd, string service, CancellationToken ct)
    {
        cmd.CommandText = Select;
        DecisionSql.Add(cmd, "s", service);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            return null;
        }

        return new PlannerStateRecord(service, DecisionSql.ParseTime(reader.GetString(0)), reader.GetString(1), (byte[])reader.GetValue(2));
    }
}
