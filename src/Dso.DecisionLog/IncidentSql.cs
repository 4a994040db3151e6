using System.Data.Common;
using Dso.Abstractions.Decisions;

namespace Dso.DecisionLog;

/// <summary>The open alert incidents' SQL, the same for SQLite and PostgreSQL (migration 12).</summary>
internal static class IncidentSql
{
    public const string Open = """
        INSERT INTO alert_incidents (service, kind, subject, since_ts) VALUES (@s, @k, @sub, @ts)
        ON CONFLICT (service, kind, subject) DO NOTHING
        """;

    public const string Close = "DELETE FROM alert_incidents WHERE service = @s AND kind = @k AND subject = @sub";

    public static void Bind(DbCommand cmd, string service, string kind, string subject, DateTimeOffset? since = null)
    {
        DecisionSql.Add(cmd, "s", service);
        DecisionSql.Add(cmd, "k", kind);
        DecisionSql.Add(cmd, "sub", subject);
        if (since is { } at)
        {
            DecisionSql.Add(cmd, "ts", DecisionSql.Format(at));
        }
    }

    public static async Task<IReadOnlyList<OpenIncident>> ListAsync(DbCommand cmd, CancellationToken ct)
    {
        cmd.CommandText = "SELECT service, kind, subject, since_ts FROM alert_incidents ORDER BY since_ts, service, kind, subject";
        var rows = new List<OpenIncident>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(new OpenIncident(reader.GetString(0), reader.GetString(1), reader.GetString(2), DecisionSql.ParseTime(reader.GetString(3))));
        }

        return rows;
    }
}
