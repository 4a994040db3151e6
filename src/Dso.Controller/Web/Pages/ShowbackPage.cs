using System.Globalization;
using System.Text;
using Dso.Controller.Hosting;
using Dso.Controller.Web.Api;
using Dso.DecisionLog;
using static Dso.Controller.Web.Pages.PageLayout;

namespace Dso.Controller.Web.Pages;

/// <summary><c>GET /showback</c>: cost per service or team by day or month, with what reactive scaling would have cost; the same query exports as CSV.</summary>
internal static class ShowbackPage
{
    public static async Task<IResult> RenderAsync(HttpRequest request, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct)
    {
        var (rows, error) = await ShowbackApi.ShowbackAsync(request, store, loops, clock, ct);
        if (rows is null)
        {
            return error!;
        }

        var grain = request.Query["grain"].FirstOrDefault() ?? "day";
        var by = request.Query["by"].FirstOrDefault() ?? "service";
        var sb = new StringBuilder();
        sb.Append("<form class=\"filters\" method=\"get\" action=\"/showback\">");
        sb.Append(CultureInfo.InvariantCulture, $"<label>from<input name=\"from\" value=\"{E(request.Query["from"].FirstOrDefault())}\" placeholder=\"2026-09-01T00:00:00Z\"></label><label>to<input name=\"to\" value=\"{E(request.Query["to"].FirstOrDefault())}\"></label>");
        sb.Append(CultureInfo.InvariantCulture, $"<label>by<select name=\"by\"><option{(by == "service" ? " selected" : "")}>service</option><option{(by == "team" ? " selected" : "")}>team</option></select></label>");
        sb.Append(CultureInfo.InvariantCulture, $"<label>grain<select name=\"grain\"><option{(grain == "day" ? " selected" : "")}>day</option><option{(grain == "month" ? " selected" : "")}>month</option></select></label><button type=\"submit\">show</button> ");
        sb.Append(CultureInfo.InvariantCulture, $"<a id=\"export-showback\" href=\"/api/v1/showback.csv{request.QueryString}\" download>export CSV</a></form>");
        sb.Append(CultureInfo.InvariantCulture, $"<p>Total {Usd(rows.Sum(r => r.SpentUsd))} spent; reactive scaling would have cost {Usd(rows.Sum(r => r.ReactiveUsd))} (saved {Usd(rows.Sum(r => r.SavedUsd))}).</p>");
        sb.Append("<table id=\"showback\"><thead><tr><th>period</th>").Append(by == "team" ? "" : "<th>service</th>").Append("<th>team</th><th>spent</th><th>reactive would have cost</th><th>saved</th></tr></thead><tbody>");
        foreach (var r in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(r.Period)}</td>{(by == "team" ? "" : $"<td>{E(r.Service)}</td>")}<td>{E(r.Team)}</td><td class=\"num\">{Usd(r.SpentUsd)}</td><td class=\"num\">{Usd(r.ReactiveUsd)}</td><td class=\"num\">{Usd(r.SavedUsd)}</td></tr>");
        }

        sb.Append("</tbody></table>");
        return Html("showback", sb.ToString());
    }
}
