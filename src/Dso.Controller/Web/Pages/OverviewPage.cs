using System.Globalization;
using System.Text;
using Dso.Controller.Hosting;
using Dso.Controller.Web.Api;
using Dso.DecisionLog;
using Dso.DecisionLog.Queries;
using static Dso.Controller.Web.Pages.PageLayout;

namespace Dso.Controller.Web.Pages;

using DecisionQuery = Dso.DecisionLog.Queries.DecisionQuery;

/// <summary><c>GET /overview</c>: every service's SLO, budget burn and projection, spend and savings against reactive, recent anomalies and held ticks.</summary>
internal static class OverviewPage
{
    public static async Task<IResult> RenderAsync(IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct)
    {
        var rows = await OverviewBuilder.BuildAsync(store, loops, clock, ct);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Month to date on the service clock ({Time(clock.Time.GetUtcNow())}). Savings are against what reactive target tracking would have cost over the same time.</p>");
        sb.Append("<table id=\"services\"><thead><tr><th>service</th><th>team</th><th>SLO p95 (last day)</th><th>budget</th><th>spent this month</th><th>projected month end</th><th>reactive would have cost</th><th>saved</th><th>anomalies (24 h)</th><th>held ticks (24 h)</th></tr></thead><tbody>");
        foreach (var o in rows)
        {
            var slo = o.SloStatus switch
            {
                "met" => $"<span class=\"ok\">met</span> ({o.LatencyP95Ms:0} ≤ {o.SloLatencyP95Ms:0} ms)",
                "missed" => $"<span class=\"bad\">missed</span> ({o.LatencyP95Ms:0} &gt; {o.SloLatencyP95Ms:0} ms)",
                _ => "<span class=\"muted\">no data</span>",
            };
            var budget = o.Budget is { } b ? $"{Usd(b.MonthlyUsd)} ({E(b.Enforcement)})" : "—";
            var projected = o.Budget is { } p
                ? $"<span class=\"{(p.ProjectedUsd > p.MonthlyUsd ? "bad" : "ok")}\">{Usd(p.ProjectedUsd)}</span> ({(p.MonthlyUsd > 0 ? p.ProjectedUsd / p.MonthlyUsd : 0):P0} of budget)"
                : "—";
            sb.Append(CultureInfo.InvariantCulture, $"<tr data-service=\"{E(o.Service)}\"><td><a href=\"/services/{Uri.EscapeDataString(o.Service)}\">{E(o.Service)}</a></td><td>{E(o.Team)}</td><td>{slo}</td><td class=\"budget\">{budget}</td><td class=\"num\">{Usd(o.MonthSpentUsd)}</td><td>{projected}</td><td class=\"num\">{Usd(o.MonthReactiveUsd)}</td><td class=\"num savings\">{Usd(o.MonthSavedUsd)}</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"num\"><a href=\"{Url("/services/" + Uri.EscapeDataString(o.Service), ("anomalies", "true"))}\">{o.AnomaliesLastDay}</a></td><td class=\"num\"><a href=\"{Url("/services/" + Uri.EscapeDataString(o.Service), ("held", "true"))}\">{o.HeldLastDay}</a></td></tr>");
        }

        sb.Append("</tbody></table>");
        var recent = await store.QueryAsync(new DecisionQuery { Anomalies = true, Limit = 10 }, ct);
        var held = await store.QueryAsync(new DecisionQuery { Held = true, Limit = 10 }, ct);
        sb.Append("<h2>Recent anomalies</h2>").Append(DecisionTable.Render(recent.Items, "recent-anomalies"));
        sb.Append("<h2>Recent held ticks</h2>").Append(DecisionTable.Render(held.Items, "recent-held"));
        return Html("overview", sb.ToString());
    }
}
