using System.Globalization;
using System.Text;
using Dso.Abstractions.Decisions;

namespace Dso.Controller.Web.Api;

/// <summary>
/// Decisions as RFC 4180 CSV, one row per decision. A cell that a spreadsheet would run as a formula
/// (starting with = + - @) is prefixed with an apostrophe: reasons and fleet names are text, never code.
/// </summary>
internal static class DecisionCsv
{
    public const string Header = "seq,id,service,timestamp,variant,experiment,block,strategy,held,change,demand_rps,before,chosen,hourly_cost_usd,reactive_hourly_cost_usd,anomalies,outcome,reason";

    public static void AppendRow(StringBuilder sb, DecisionRecord record)
    {
        var d = record.Decision;
        var reactive = d.Alternatives.FirstOrDefault(a => a.Name == "reactive")?.HourlyCost;
        var demand = d.Kpis.TryGetValue("request_rate", out var rps) && double.IsFinite(rps) ? rps.ToString("0.###", CultureInfo.InvariantCulture) : "";
        string[] cells =
        [
            record.Sequence.ToString(CultureInfo.InvariantCulture),
            d.Id,
            d.Service,
            d.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            d.Variant,
            d.Experiment ?? "",
            d.Block?.ToString(CultureInfo.InvariantCulture) ?? "",
            d.Strategy,
            d.Held ? "true" : "false",
            d.IsChange ? "true" : "false",
            demand,
            d.Before.ToString(),
            d.Chosen.ToString(),
            d.ChosenHourlyCost.ToString("0.####", CultureInfo.InvariantCulture),
            reactive?.ToString("0.####", CultureInfo.InvariantCulture) ?? "",
            string.Join("; ", d.Anomalies.Select(a => $"{a.Kpi} {a.Kind} {a.Score.ToString("0.0", CultureInfo.InvariantCulture)}")),
            record.Outcome is { } o ? o.Status.ToString() : "pending",
            d.Reason,
        ];
        sb.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
    }

    public static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
