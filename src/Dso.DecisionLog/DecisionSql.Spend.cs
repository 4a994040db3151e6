using System.Data.Common;
using System.Globalization;
using Dso.Abstractions.Decisions;
using Dso.DecisionLog.Queries;

namespace Dso.DecisionLog;

/// <summary>
/// The spend ledger: one row per tick with what the billed fleet cost since the previous tick (decimal text, exact),
/// what the reactive counterfactual would have, and the scale target billed. The budget sums it from the month's start
/// (after a rename, with the target's rows under the old name); showback groups the same rows, each under the name that
/// wrote it, by the UTC day each entry ends in, so both read one source and agree to the cent.
/// </summary>
internal static partial class DecisionSql
{
    public const string InsertSpend = "INSERT INTO spend (service, target, from_ts, to_ts, usd, hourly_usd, reactive_usd) VALUES (@s, @target, @from, @to, @usd, @hourly, @reactive)";

    private const string SpendColumns = "service, from_ts, to_ts, usd, hourly_usd, reactive_usd, target";

    public static void BindSpend(DbCommand cmd, SpendEntry entry)
    {
        Add(cmd, "s", entry.Service);
        Add(cmd, "target", entry.Target);
        Add(cmd, "from", Format(entry.From));
        Add(cmd, "to", Format(entry.To));
        Add(cmd, "usd", entry.Usd.ToString(CultureInfo.InvariantCulture));
        Add(cmd, "hourly", entry.HourlyUsd.ToString(CultureInfo.InvariantCulture));
        Add(cmd, "reactive", entry.ReactiveUsd?.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The service's entries and its target's entries under other names in the period, summed by
    /// <see cref="SpendTotals.Sum"/> (the amounts are decimal text, summed there so the total is exact and an interval
    /// two names recorded counts once). A month of one-minute ticks is ~45,000 rows per name, read once per loop start.
    /// </summary>
    public static async Task<SpendTotal> SpendSinceAsync(DbCommand cmd, string service, string? target, DateTimeOffset since, CancellationToken ct)
    {
        cmd.CommandText = target is null
            ? $"SELECT {SpendColumns} FROM spend WHERE service = @s AND to_ts >= @since ORDER BY seq"
            : $"SELECT {SpendColumns} FROM spend WHERE (service = @s OR target = @target) AND to_ts >= @since ORDER BY seq";
        Add(cmd, "s", service);
        Add(cmd, "since", Format(since));
        if (target is not null)
        {
            Add(cmd, "target", target);
        }

        var entries = new List<SpendEntry>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                entries.Add(ReadSpend(reader));
            }
        }

        cmd.CommandText = $"SELECT {SpendColumns} FROM spend WHERE service = @s ORDER BY seq DESC LIMIT 1";
        await using var row = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var newest = await row.ReadAsync(ct).ConfigureAwait(false) ? ReadSpend(row) : null;
        return SpendTotals.Sum(service, newest, entries);
    }

    private static SpendEntry ReadSpend(DbDataReader r) =>
        new(r.GetString(0), ParseTime(r.GetString(1)), ParseTime(r.GetString(2)),
            decimal.Parse(r.GetString(3), CultureInfo.InvariantCulture), decimal.Parse(r.GetString(4), CultureInfo.InvariantCulture),
            r.IsDBNull(5) ? null : decimal.Parse(r.GetString(5), CultureInfo.InvariantCulture))
        {
            Target = r.IsDBNull(6) ? null : r.GetString(6),
        };

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
