using System.Globalization;
using System.Text;
using Dso.Controller.Experiments;
using Dso.Controller.Hosting;
using static Dso.Controller.Web.Pages.PageLayout;

namespace Dso.Controller.Web.Pages;

/// <summary><c>GET /experiments</c>: every experiment of the policy set in force, its state, what runs now and what the analysis recommends.</summary>
internal static class ExperimentsPage
{
    public static IResult Render(ExperimentHost host, ServiceClock clock)
    {
        var now = clock.Time.GetUtcNow();
        var runs = host.Runs.Select(r => r.Summary(now)).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        if (runs.Count == 0)
        {
            sb.Append("<p id=\"none\">No experiments are declared. Add one under <code>experiments:</code> in a policy file (see the README's Experiments section).</p>");
            return Html("experiments", sb.ToString());
        }

        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Judged at {Time(now)} (service clock). Each experiment compares its variants on its primary metric over whole blocks; lower is better for every metric.</p>");
        sb.Append("<table id=\"experiments\"><thead><tr><th>experiment</th><th>services</th><th>design</th><th>state</th><th>period</th><th>blocks done</th><th>running now</th><th>recommendation</th></tr></thead><tbody>");
        foreach (var s in runs)
        {
            var current = string.Join(", ", s.CurrentVariants.Select(kv => $"{kv.Key}: {kv.Value ?? "—"}"));
            sb.Append(CultureInfo.InvariantCulture, $"<tr data-experiment=\"{E(s.Name)}\"><td><a href=\"/experiments/{Uri.EscapeDataString(s.Name)}\">{E(s.Name)}</a></td><td>{E(string.Join(", ", s.Services))}</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td>{E(s.Design)} ({s.BlockMinutes:0} min blocks)</td><td class=\"state\">{E(s.State)}</td><td>{Time(s.Start)} – {(s.End is { } end ? Time(end) : "open")}</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{s.BlocksCompleted}</td><td>{E(current)}</td><td class=\"recommendation\"><b>{E(s.Recommendation.Action)}</b>{(s.Recommendation.Winner is { } w ? " " + E(w) : "")}: {E(s.Recommendation.Reason)}</td></tr>");
        }

        sb.Append("</tbody></table>");
        return Html("experiments", sb.ToString());
    }
}
