using Dso.Abstractions.Catalog;
using Microsoft.Data.Sqlite;

namespace Dso.Integration.Tests.Infrastructure;

/// <summary>Reads a running service's SQLite decision log (<c>decisions.db</c> in its data directory) as rows in log order.</summary>
internal sealed class DecisionLogFile(string dataDirectory)
{
    public string Path => System.IO.Path.Combine(dataDirectory, "decisions.db");

    public IReadOnlyList<LoggedDecision> Read()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        using var connection = new SqliteConnection($"Data Source={Path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT d.seq, d.id, d.before_fleet, d.chosen_fleet, o.status, o.after_fleet, o.launched, o.terminated, o.message
            FROM decisions d LEFT JOIN outcomes o ON o.decision_id = d.id ORDER BY d.seq
            """;
        SqliteDataReader reader;
        try
        {
            reader = cmd.ExecuteReader();
        }
        catch (SqliteException ex) when (ex.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return []; // the service has created the file but not yet migrated it
        }

        using var _ = reader;
        var rows = new List<LoggedDecision>();
        while (reader.Read())
        {
            rows.Add(new LoggedDecision(
                reader.GetInt64(0), reader.GetString(1), Fleet.Parse(reader.GetString(2)), Fleet.Parse(reader.GetString(3)),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : Fleet.Parse(reader.GetString(5)),
                reader.IsDBNull(6) ? 0 : reader.GetInt32(6), reader.IsDBNull(7) ? 0 : reader.GetInt32(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return rows;
    }
}

/// <summary>One decision row with its outcome (null status: no outcome recorded yet).</summary>
internal sealed record LoggedDecision(long Seq, string Id, Fleet Before, Fleet Chosen, string? Status, Fleet? After, int Launched, int Terminated, string? Message)
{
    public bool Changed => Launched + Terminated > 0;
}
