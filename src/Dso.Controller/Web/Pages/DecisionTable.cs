using System.Globalization;
using System.Text;
using Dso.Abstractions.Decisions;
using static Dso.Controller.Web.Pages.PageLayout;

namespace Dso.Controller.Web.Pages;

/// <summary>A table of decisions linking each to its page.</summary>
internal static class DecisionTable
{
    public static string Render(IReadOnlyList<DecisionRecord> records, string id)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<table id=\"{id}\" class=\"decision-table\"><thead><tr><th>time</th><th>service</th><th>variant</th><th>experiment</th><th>block</th><th>demand (rps)</th><th>before → chosen</th><th>$/h</th><th>reactive $/h</th><th>strategy</th><th>reason</th><th>outcome</th></tr></thead><tbody>");
        foreach (var r in records)
        {
            var d = r.Decision;
            var css = d.Held ? "held" : d.IsChange ? "change" : "";
            var demand = d.Kpis.TryGetValue("request_rate", out var rps) ? rps.ToString("0.#", CultureInfo.InvariantCulture) : "—";
            var reactive = d.Alternatives.FirstOrDefault(a => a.Name == "reactive")?.HourlyCost.ToString("0.###", CultureInfo.InvariantCulture) ?? "—";
            var outcome = r.Outcome is { } o ? E(o.Status.ToString()) : "pending";
            sb.Append(CultureInfo.InvariantCulture, $"<tr class=\"{css}\" data-id=\"{E(d.Id)}\"><td><a href=\"/decisions/{Uri.EscapeDataString(d.Id)}\">{Time(d.Timestamp)}</a></td><td>{E(d.Service)}</td><td class=\"variant\">{E(d.Variant)}</td><td class=\"experiment\">{E(d.Experiment ?? "—")}</td><td class=\"block num\">{(d.Block is { } block ? block.ToString(CultureInfo.InvariantCulture) : "—")}</td><td class=\"num\">{demand}</td><td>{E(d.Before.ToString())} → {E(d.Chosen.ToString())}</td><td class=\"num\">{d.ChosenHourlyCost:0.###}</td><td class=\"num\">{reactive}</td><td>{E(d.Strategy)}</td><td>{E(d.Reason)}</td><td>{outcome}</td></tr>");
        }

        return sb.Append("</tbody></table>").ToString();
    }
}
