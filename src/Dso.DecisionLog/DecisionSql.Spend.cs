using System.Data.Common;
using System.Globalization;
using Dso.Abstractions.Decisions;
using Dso.DecisionLog.Queries;

namespace Dso.DecisionLog;

/// <summary>
/// The spend ledger: one row per tick with what the billed fleet cost since the previous tick (decimal text, exact)
/// and what the reactive counterfactual would have. The budget sums it from the month's start; showback groups the
/// same rows by the UTC day each entry ends in, so both read one source and agree to the cent.
/// </summary>
internal static partial class DecisionSql
{
    public const string InsertSpend = "INSERT INTO spend (service, from_ts, to_ts, usd, hourly_usd, reactive_usd) VALUES (@s, @from, @to, @usd, @hourly, @reactive)";

    public static void BindSpend(DbCommand cmd, SpendEntry entry)
    {
        Add(cmd, "s", entry.Service);
        Add(cmd, "from", Format(entry.From));
        Add(cmd, "to", Format(entry.To));
        Add(cmd, "usd", entry.Usd.ToString(CultureInfo.InvariantCulture));
        Add(cmd, "hourly", entry.HourlyUsd.ToString(CultureInfo.InvariantCulture));
        Add(cmd, "reactive", entry.ReactiveUsd?.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The amounts are decimal text, summed here so the total is exact.</summary>
    public static async Task<SpendTotal> SpendSinceAsync(DbCommand cmd, string service, DateTimeOffset since, CancellationToken ct)
    {
        cmd.CommandText = "SELECT usd FROM spend WHERE service = @s AND to_ts >= @since";
        Add(cmd, "s", service);
        Add(cmd, "since", Format(since));
        var total = 0m;
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                total += decimal.Parse(reader.GetString(0), CultureInfo.InvariantCulture);
            }
        }

        cmd.CommandText = "SELECT from_ts, to_ts, usd, hourly_usd, reactive_usd FROM spend WHERE service = @s ORDER BY seq DESC LIMIT 1";
        await using var row = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        SpendEntry? newest = await row.ReadAsync(ct).ConfigureAwait(false)
            ? new SpendEntry(service, ParseTime(row.GetString(0)), ParseTime(row.GetString(1)),
                decimal.Parse(row.GetString(2), CultureInfo.InvariantCulture), decimal.Parse(row.GetString(3), CultureInfo.InvariantCulture),
                row.IsDBNull(4) ? null : decimal.Parse(row.GetString(4), CultureInfo.InvariantCulture))
            : null;
        return new SpendTotal(total, newest);
    }

    /// <summary>
    /// Spend per service and UTC day of each entry's end, for entries ending in [from, to). The sum runs in the
    /// database (a month of one-minute ticks for 100 services is millions of rows); NUMERIC is exact on PostgreSQL
    /// and a double on SQLite, which is exact to far below a cent at these magnitudes.
    /// </summary>
    public static async Task<IReadOnlyList<SpendDay>> SpendByDayAsync(DbCommand cmd, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        Add(cmd, "from", Format(from));
        Add(cmd, "to", Format(to));
        cmd.CommandText = """
            SELECT service, SUBSTR(to_ts, 1, 10), SUM(CAST(usd AS NUMERIC)), SUM(CAST(COALESCE(reactive_usd, usd) AS NUMERIC)), COUNT(*)
            FROM spend WHERE to_ts >= @from AND to_ts < @to GROUP BY 1, 2 ORDER BY 2, 1
            """;
        var rows = new List<SpendDay>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(new SpendDay(
                r.GetString(0),
                DateOnly.ParseExact(r.GetString(1), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                Convert.ToDecimal(r.GetValue(2), CultureInfo.InvariantCulture),
                Convert.ToDecimal(r.GetValue(3), CultureInfo.InvariantCulture),
                Convert.ToInt32(r.GetValue(4), CultureInfo.InvariantCulture)));
        }

        return rows;
    }
}
