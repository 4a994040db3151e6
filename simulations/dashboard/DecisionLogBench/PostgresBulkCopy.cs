using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Dso.Simulations.Dashboard;

/// <summary>
/// Fills a migrated PostgreSQL decision log from a seeded SQLite one with binary COPY, table by table in seq order.
/// Both stores run the same migrations, so the columns match by name; the rows are the exact ones the store's own
/// AppendAsync wrote into SQLite (analyst columns and running money included). Committing 2 million single-row
/// writes one by one would measure the network round trip, not the queries.
/// </summary>
internal static class PostgresBulkCopy
{
    public static long Copy(string sqlitePath, string connectionString, string table)
    {
        using var pg = new NpgsqlConnection(connectionString);
        pg.Open();
        var columns = Columns(pg, table);
        using var lite = new SqliteConnection($"Data Source={sqlitePath};Mode=ReadOnly;Pooling=False");
        lite.Open();
        using var read = lite.CreateCommand();
        var order = columns.Any(c => c.Name == "seq") ? " ORDER BY seq" : "";
        var copied = columns.Where(c => c.Name != "seq").ToList();
        read.CommandText = $"SELECT {string.Join(", ", copied.Select(c => c.Name))} FROM {table}{order}";
        using var reader = read.ExecuteReader();
        using var tx = pg.BeginTransaction();
        long rows;
        using (var writer = pg.BeginBinaryImport($"COPY {table} ({string.Join(", ", copied.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)"))
        {
            while (reader.Read())
            {
                writer.StartRow();
                for (var i = 0; i < copied.Count; i++)
                {
                    if (reader.IsDBNull(i))
                    {
                        writer.WriteNull();
                        continue;
                    }

                    switch (copied[i].Type)
                    {
                        case NpgsqlDbType.Text: writer.Write(reader.GetString(i), NpgsqlDbType.Text); break;
                        case NpgsqlDbType.Double: writer.Write(reader.GetDouble(i), NpgsqlDbType.Double); break;
                        case NpgsqlDbType.Integer: writer.Write(reader.GetInt32(i), NpgsqlDbType.Integer); break;
                        default: writer.Write(reader.GetInt64(i), NpgsqlDbType.Bigint); break;
                    }
                }
            }

            rows = (long)writer.Complete();
        }

        tx.Commit();
        return rows;
    }

    private static List<(string Name, NpgsqlDbType Type)> Columns(NpgsqlConnection pg, string table)
    {
        using var cmd = new NpgsqlCommand("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = @t ORDER BY ordinal_position", pg);
        cmd.Parameters.AddWithValue("t", table);
        using var reader = cmd.ExecuteReader();
        var list = new List<(string, NpgsqlDbType)>();
        while (reader.Read())
        {
            var type = reader.GetString(1) switch
            {
                "text" => NpgsqlDbType.Text,
                "double precision" => NpgsqlDbType.Double,
                "integer" => NpgsqlDbType.Integer,
                "bigint" => NpgsqlDbType.Bigint,
                var other => throw new InvalidOperationException($"copying {table}: column {reader.GetString(0)} has type {other}, which this copy does not map"),
            };
            list.Add((reader.GetString(0), type));
        }

        return list.Count == 0 ? throw new InvalidOperationException($"copying {table}: the PostgreSQL log has no such table (not migrated?)") : list;
    }
}
