using System.Globalization;
using System.Text;
using Dso.Abstractions.Decisions;
using Dso.DecisionLog;
using static Dso.Controller.Web.Pages.PageLayout;

namespace Dso.Controller.Web.Pages;

/// <summary><c>GET /decisions/{id}</c>: one decision in plain words: what it saw, what it weighed, what it chose and why, and what happened.</summary>
internal static class DecisionPage
{
    public static async Task<IResult> RenderAsync(string id, IDecisionStore store, CancellationToken ct)
    {
        if (await store.FindAsync(id, ct) is not { } record)
        {
            return Results.Content($"<!doctype html><p>No decision with id '{E(id)}'.</p>", "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }

        var d = record.Decision;
        var sb = new StringBuilder();
        var verb = d.Held ? "held the fleet" : d.IsChange ? $"changed the fleet from {d.Before} to {d.Chosen}" : $"kept the fleet at {d.Chosen}";
        sb.Append(CultureInfo.InvariantCulture, $"<p id=\"summary\" style=\"font-size:1.1rem\">At {Time(d.Timestamp)} the controller <b>{E(verb)}</b> for <a href=\"/services/{Uri.EscapeDataString(d.Service)}\">{E(d.Service)}</a>, costing <b>{Usd(d.ChosenHourlyCost)} per hour</b>.</p>");
        sb.Append(CultureInfo.InvariantCulture, $"<h2>Why</h2><p id=\"reason\">{E(d.Reason)}</p>");
        if (d.GuardNotes is { Count: > 0 } notes)
        {
            sb.Append("<p>The safety checks changed the plan: ").Append(E(string.Join("; ", notes))).Append("</p>");
        }

        sb.Append("<h2>What it saw</h2><dl>");
        foreach (var (kpi, value) in d.Kpis.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"<dt>{E(kpi)}</dt><dd>{value:0.###}</dd>");
        }

        if (d.Kpis.Count == 0)
        {
            sb.Append("<dt>metrics</dt><dd>none usable this tick</dd>");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<dt>capacity serving</dt><dd>{d.ReadyCapacityRps:0} rps ready of {d.BilledCapacityRps:0} rps billed</dd>");
        if (d.Forecast is { } f)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<dt>forecast</dt><dd>demand peaks around {f.P50Peak:0} rps (1 in 10 chance above {f.P90Peak:0}) over the next {f.HorizonSteps} ticks; planned to cover {f.CoveredDemand:0} rps ({f.CoveredLevel:P0} of likely outcomes), model {E(f.Model)}</dd>");
        }

        sb.Append("</dl>");
        if (d.Anomalies.Count > 0)
        {
            sb.Append("<h2>Unusual readings</h2><ul id=\"anomalies\">");
            foreach (var a in d.Anomalies)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<li>{E(a.Kpi)} was {a.Value:0.##} ({E(a.Kind)}, anomaly score {a.Score:0.0}); the policy says: {E(a.Action)}</li>");
            }

            sb.Append("</ul>");
        }

        sb.Append("<h2>What it weighed</h2><table id=\"alternatives\"><thead><tr><th>option</th><th>fleet</th><th>cost per hour</th><th>capacity (rps)</th><th>shortfall (rps)</th><th>note</th></tr></thead><tbody>");
        foreach (var a in d.Alternatives)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(a.Name)}</td><td>{E(a.Fleet.ToString())}</td><td class=\"num\">{Usd(a.HourlyCost)}</td><td class=\"num\">{a.CapacityRps:0}</td><td class=\"num\">{a.ShortfallRps:0}</td><td>{E(a.Note)}</td></tr>");
        }

        sb.Append("</tbody></table>");
        if (d.Alternatives.FirstOrDefault(a => a.Name == "reactive") is { } reactive)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<p id=\"counterfactual\">A reactive autoscaler would have run {E(reactive.Fleet.ToString())} for {Usd(reactive.HourlyCost)} per hour; this decision costs {Usd(reactive.HourlyCost - d.ChosenHourlyCost)} per hour {(reactive.HourlyCost >= d.ChosenHourlyCost ? "less" : "more")}.</p>");
        }

        if (d.Budget is { } b)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<h2>Budget</h2><p id=\"budget\">{Usd(b.MonthToDateUsd)} spent this month of {Usd(b.MonthlyUsd)} ({E(b.Enforcement)} limit); on this course the month ends at {Usd(b.ProjectedUsd)}.{(b.Constrained ? " The budget limited this choice." : "")}</p>");
        }

        sb.Append("<h2>What happened</h2><p id=\"outcome\">").Append(record.Outcome is { } o
            ? E($"{o.Status} at {Time(o.At)}: {o.Message} (fleet now {o.After}; {o.Launched} launched, {o.Terminated} terminated)")
            : "Not applied yet (pending).").Append("</p>");
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">decision {E(d.Id)} · strategy {E(d.Strategy)} · variant {E(d.Variant)}{(d.Experiment is { } experiment ? $" in experiment <a href=\"/experiments/{Uri.EscapeDataString(experiment)}\">{E(experiment)}</a>, block {d.Block}" : d.Variant != "default" ? " (a promoted winner, outside the experiment's blocks)" : "")} · policy {E(d.PolicyVersion)} · <a href=\"/api/v1/decisions/{Uri.EscapeDataString(d.Id)}\">JSON</a></p>");
        return Html($"decision for {d.Service}", sb.ToString());
    }
}
