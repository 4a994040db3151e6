using System.Globalization;
using System.Net;
using System.Text;
using Dso.Abstractions.Decisions;

namespace Dso.Controller.Web;

/// <summary>
/// The first dashboard page: recent decisions with what was seen, what was weighed and why. Server-rendered
/// and self-refreshing, so it works with scripts off and is cheap to serve.
/// </summary>
internal static class DecisionsPage
{
    public static string Render(IReadOnlyList<DecisionRecord> records, string policyVersion, string? policyError, double clockSpeed = 1, IReadOnlyList<string>? policyWarnings = null)
    {
        var sb = new StringBuilder();
        sb.Append("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
            <title>DsoController: recent decisions</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1a1a1a}
            table{border-collapse:collapse;width:100%;font-size:.85rem}
            th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
            th{background:#f4f4f4;position:sticky;top:0}
            .clock{background:#eef3fb;padding:.3rem .5rem}.warn{background:#fff4e0;padding:.3rem .5rem}.change{background:#eef7ee}.held{background:#fff4e0}.err{color:#b00020;white-space:pre-wrap}
            code{font-size:.8rem}
            </style></head><body>
            <h1>Recent scaling decisions</h1>
            """);
        sb.Append(CultureInfo.InvariantCulture, $"<p>Policy version <code>{Html(policyVersion)}</code> · {records.Count} most recent decisions · refreshes every 5 s · <a href=\"/api/decisions\">JSON</a> · <a href=\"/metrics\">metrics</a></p>");
        if (clockSpeed != 1)
        {
            // Times below are the loops' service time, which runs ahead of the wall clock; say so, or they look wrong.
            sb.Append(CultureInfo.InvariantCulture, $"<p class=\"clock\" id=\"clock\">Times are service time, running {clockSpeed:0.##}× faster than the wall clock (<code>Dso:ClockSpeed</code> = {clockSpeed:0.##}; set 1 in production).</p>");
        }

        if (policyError is not null)
        {
            sb.Append("<p class=\"err\" id=\"policy-error\">Last policy edit rejected (previous version still in force):\n").Append(Html(policyError)).Append("</p>");
        }

        if (policyWarnings is { Count: > 0 })
        {
            // The policy in force runs, but not as written (a cap below min_instances, a budget below the floor).
            sb.Append("<div class=\"warn\" id=\"policy-warnings\">The policy in force runs, but not as written:<ul>");
            foreach (var warning in policyWarnings)
            {
                sb.Append("<li>").Append(Html(warning)).Append("</li>");
            }

            sb.Append("</ul></div>");
        }

        sb.Append("<table id=\"decisions\"><thead><tr><th>time</th><th>service</th><th>demand (rps)</th><th>before</th><th>chosen</th><th>$/h</th><th>strategy</th><th>reason</th><th>alternatives</th><th>anomalies</th><th>applied</th></tr></thead><tbody>");
        foreach (var record in records)
        {
            var d = record.Decision;
            var css = d.Held ? "held" : d.IsChange ? "change" : "";
            var demand = d.Kpis.TryGetValue("request_rate", out var rps) ? rps.ToString("0.#", CultureInfo.InvariantCulture) : "—";
            var alternatives = string.Join("<br>", d.Alternatives.Select(a => Html($"{a.Name}: {a.Fleet} (${a.HourlyCost:0.###}/h)")));
            var anomalies = string.Join("<br>", d.Anomalies.Select(a => Html($"{a.Kpi} {a.Score:0.00} → {a.Action}")));
            var applied = record.Outcome is { } o ? Html($"{o.Status}: {o.Message}") : "pending";
            sb.Append(CultureInfo.InvariantCulture, $"<tr class=\"{css}\"><td>{d.Timestamp:yyyy-MM-dd HH:mm}</td><td>{Html(d.Service)}</td><td>{demand}</td><td>{Html(d.Before.ToString())}</td><td>{Html(d.Chosen.ToString())}</td><td>{d.ChosenHourlyCost:0.###}</td><td>{Html(d.Strategy)}</td><td>{Html(d.Reason)}</td><td>{alternatives}</td><td>{anomalies}</td><td>{applied}</td></tr>");
        }

        sb.Append("</tbody></table></body></html>");
        return sb.ToString();
    }

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
