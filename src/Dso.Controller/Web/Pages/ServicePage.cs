using System.Globalization;
using System.Text;
using Dso.Controller.Hosting;
using Dso.Controller.Web.Api;
using Dso.DecisionLog;
using static Dso.Controller.Web.Pages.PageLayout;

namespace Dso.Controller.Web.Pages;

/// <summary>
/// <c>GET /services/{service}</c>: the chart over a range (default: the week up to the latest decision; zoom by the
/// buttons, the range form or dragging across the chart) and the decisions in that range beneath it, filtered; then the
/// service's newest events.
/// </summary>
internal static class ServicePage
{
    private const int TableRows = 200;

    private const int EventRows = 20;

    /// <summary>The page's time range stays within these (any decision a service logs does).</summary>
    private static readonly DateTimeOffset EarliestPageTime = new(1971, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset LatestPageTime = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Clamp(DateTimeOffset value, DateTimeOffset min, DateTimeOffset max) =>
        value < min ? min : value > max ? max : value;

    public static async Task<IResult> RenderAsync(string service, HttpRequest request, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct)
    {
        if (DecisionFilter.Parse(request, TableRows, out var parameters) is not { } query)
        {
            return parameters.BadRequest();
        }

        var last = await store.LastAsync(service, ct);
        var policy = ServiceDirectory.Policy(loops, service);
        if (last is null && policy is null)
        {
            return Results.NotFound();
        }

        // Clamped to dates whose zoom and range links stay representable (year 1 or 9999 in a query overflowed them).
        var to = Clamp(query.To ?? (last is null ? clock.Time.GetUtcNow() : last.Decision.Timestamp.AddMinutes(1)), EarliestPageTime.AddDays(1), LatestPageTime);
        var from = Clamp(query.From ?? to.AddDays(-7), EarliestPageTime, to);
        if (to - from > SeriesResolution.MaxRange)
        {
            from = to - SeriesResolution.MaxRange;
        }

        var series = await store.SeriesAsync(service, from, to, SeriesResolution.Auto(to - from), ct);
        var page = await store.QueryAsync(query with { Service = service, From = from, To = to, Limit = TableRows }, ct);

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<p>Team <b>{E(ServiceDirectory.Team(loops, service))}</b> · SLO p95 {(policy is null ? "—" : policy.Slo.LatencyP95Ms.ToString("0", CultureInfo.InvariantCulture) + " ms")} · budget {(policy is null ? "—" : Usd(policy.Budget.MonthlyUsd))}/month · <a href=\"{Url("/api/v1/services/" + Uri.EscapeDataString(service) + "/series", ("from", Iso(from)), ("to", Iso(to)))}\">series JSON</a></p>");
        var mid = from + ((to - from) / 2);
        var half = (to - from) / 4;
        string Range(DateTimeOffset f, DateTimeOffset t) => Url($"/services/{Uri.EscapeDataString(service)}", ("from", Iso(f)), ("to", Iso(t)));
        sb.Append(CultureInfo.InvariantCulture, $"<p id=\"range\" data-from=\"{Iso(from)}\" data-to=\"{Iso(to)}\">{Time(from)} – {Time(to)} · ");
        sb.Append(CultureInfo.InvariantCulture, $"<a id=\"zoom-in\" href=\"{Range(mid - half, mid + half)}\">zoom in</a> · <a id=\"zoom-out\" href=\"{Range(mid - (half * 4), mid + (half * 4))}\">zoom out</a> · ");
        sb.Append(CultureInfo.InvariantCulture, $"<a href=\"{Range(to.AddDays(-1), to)}\">last day</a> · <a href=\"{Range(to.AddDays(-7), to)}\">last week</a> · <a href=\"{Range(to.AddDays(-30), to)}\">last 30 days</a> · drag across the chart to zoom to a range</p>");
        sb.Append(SeriesChart.Render(series));
        sb.Append(CultureInfo.InvariantCulture, $"<form class=\"filters\" id=\"filters\" method=\"get\" action=\"/services/{Uri.EscapeDataString(service)}\">");
        sb.Append(CultureInfo.InvariantCulture, $"<label>from<input name=\"from\" value=\"{Iso(from)}\"></label><label>to<input name=\"to\" value=\"{Iso(to)}\"></label>");
        sb.Append(CultureInfo.InvariantCulture, $"<label>variant<input name=\"variant\" value=\"{E(query.Variant)}\" size=\"8\"></label><label>strategy<input name=\"strategy\" value=\"{E(query.Strategy)}\" size=\"14\"></label>");
        sb.Append(CultureInfo.InvariantCulture, $"<label>experiment<input name=\"experiment\" value=\"{E(query.Experiment)}\" size=\"10\"></label><label>block<input name=\"block\" value=\"{query.Block}\" size=\"5\"></label>");
        sb.Append(Select("changes", query.ChangesOnly ? "true" : null, ("", "all"), ("true", "changes only")));
        sb.Append(Select("held", query.Held?.ToString().ToLowerInvariant(), ("", "all"), ("true", "held only"), ("false", "not held")));
        sb.Append(Select("anomalies", query.Anomalies?.ToString().ToLowerInvariant(), ("", "all"), ("true", "with anomalies"), ("false", "without")));
        sb.Append(Select("outcome", request.Query["outcome"].ToString(), ("", "all"), ("applied", "applied"), ("no_change", "no change"), ("partial", "partial"), ("failed", "failed"), ("pending", "pending")));
        sb.Append("<button type=\"submit\">filter</button>");
        sb.Append(CultureInfo.InvariantCulture, $" <a id=\"export-csv\" href=\"{Url("/api/v1/decisions.csv", ("service", service), ("from", Iso(from)), ("to", Iso(to)), ("variant", query.Variant), ("strategy", query.Strategy), ("experiment", query.Experiment), ("block", query.Block?.ToString(CultureInfo.InvariantCulture)), ("changes", query.ChangesOnly ? "true" : null), ("held", query.Held?.ToString().ToLowerInvariant()), ("anomalies", query.Anomalies?.ToString().ToLowerInvariant()), ("outcome", request.Query["outcome"].FirstOrDefault()))}\" download>export CSV</a></form>");
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\" id=\"table-count\">{page.Items.Count}{(page.NextCursor is null ? "" : "+")} decisions, newest first</p>");
        sb.Append(DecisionTable.Render(page.Items, "decisions-table"));
        // What the log says beside decisions: a planner state restored or refused after a restart, a backfill, a
        // failed tick, spend carried over after a rename, approvals.
        var events = await store.EventsAsync(service, null, null, null, EventRows, ct);
        sb.Append(CultureInfo.InvariantCulture, $"<h2>Events</h2><p class=\"muted\" id=\"events-count\">the {events.Count} newest · <a href=\"{Url("/api/v1/events", ("service", service))}\">events JSON</a></p>");
        sb.Append("<table id=\"events\"><thead><tr><th>time</th><th>kind</th><th>message</th></tr></thead><tbody>");
        foreach (var e in events)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{Time(e.At)}</td><td>{E(e.Kind)}</td><td>{E(e.Message)}</td></tr>");
        }

        sb.Append("</tbody></table>");
        sb.Append(DragZoomScript);
        return Html(service, sb.ToString());
    }

    private static string Select(string name, string? current, params (string Value, string Label)[] options) =>
        $"<label>{name}<select name=\"{name}\">" + string.Concat(options.Select(o => $"<option value=\"{o.Value}\"{(o.Value == (current ?? "") ? " selected" : "")}>{o.Label}</option>")) + "</select></label>";

    /// <summary>Drag across the chart: the selected span becomes the page's range (same page, new from/to).</summary>
    private const string DragZoomScript = """
        <script>
        (() => {
          const svg = document.getElementById('chart'); if (!svg) return;
          const from = Date.parse(svg.dataset.from), to = Date.parse(svg.dataset.to), left = 60, right = 60, width = 1100;
          const t = e => { const r = svg.getBoundingClientRect(); const x = (e.clientX - r.left) * width / r.width;
            return from + Math.min(1, Math.max(0, (x - left) / (width - left - right))) * (to - from); };
          let start = null;
          svg.addEventListener('mousedown', e => { start = t(e); e.preventDefault(); });
          svg.addEventListener('mouseup', e => { if (start === null) return; const end = t(e); const a = Math.min(start, end), b = Math.max(start, end); start = null;
            if (b - a < 60000) return; const u = new URL(location.href);
            u.searchParams.set('from', new Date(a).toISOString().slice(0, 19) + 'Z'); u.searchParams.set('to', new Date(b).toISOString().slice(0, 19) + 'Z');
            location.href = u.toString(); });
        })();
        </script>
        """;
}
