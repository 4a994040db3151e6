using System.Globalization;
using System.Text;
using Dso.Controller.Experiments;
using Dso.Controller.Experiments.Views;
using Dso.Controller.Hosting;
using Dso.Controller.Web.Api;
using static Dso.Controller.Web.Pages.PageLayout;

namespace Dso.Controller.Web.Pages;

/// <summary>
/// <c>GET /experiments/{name}</c>: one experiment for a reader who is not a statistician: the recommendation first,
/// then each variant against control with its estimate and interval (drawn), per-variant results, the guardrails,
/// and the blocks on a timeline (which variant ran when, per service).
/// </summary>
internal static class ExperimentPage
{
    public static IResult Render(string name, HttpRequest request, ExperimentHost host, ServiceClock clock)
    {
        var p = new ApiParameters(request.Query, ["metric"]);
        var m = p.OneOf("metric", [.. ExperimentMetricNames.Names.Values]);
        if (!p.IsValid)
        {
            return p.BadRequest();
        }

        if (!host.TryGet(name, out var run))
        {
            return Results.Content($"<!doctype html><p>No experiment '{E(name)}' in the policy set in force.</p>", "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }

        var d = run.Detail(clock.Time.GetUtcNow(), m is null ? null : ExperimentMetricNames.Parse(m));
        var s = d.Experiment;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<p id=\"summary\">A {E(s.Design)} experiment on {E(string.Join(", ", s.Services))}: variants {E(string.Join(", ", s.Variants))} (control: {E(s.Variants[0])}), {s.BlockMinutes:0}-minute blocks with a {s.WashoutMinutes:0}-minute washout, from {Time(s.Start)}{(s.End is { } end ? " to " + Time(end) : "")}. State: <b id=\"state\">{E(s.State)}</b>; {s.BlocksCompleted} blocks complete.</p>");
        sb.Append(CultureInfo.InvariantCulture, $"<h2>Recommendation</h2><p id=\"recommendation\"><b>{E(s.Recommendation.Action)}</b>{(s.Recommendation.Winner is { } w ? " <b>" + E(w) + "</b>" : "")}: {E(s.Recommendation.Reason)}</p>");
        if (s.Recommendation.PolicyChange is { Length: > 0 } change)
        {
            sb.Append("<p>To keep the winner, fold this into the service's policy:</p><pre id=\"policy-change\">").Append(E(change)).Append("</pre>");
        }

        sb.Append("<form class=\"filters\" method=\"get\"><label>metric<select name=\"metric\">");
        foreach (var metric in ExperimentMetricNames.Names.Values)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<option{(metric == d.Metric ? " selected" : "")}>{metric}</option>");
        }

        sb.Append("</select></label><button type=\"submit\">compare</button></form>");
        sb.Append(CultureInfo.InvariantCulture, $"<h2>Estimate on {E(d.Metric)}</h2>");
        sb.Append(ExperimentCharts.Intervals(d.Comparisons));
        sb.Append("<table id=\"comparisons\"><thead><tr><th>variant</th><th>blocks (variant / control)</th><th>mean per block</th><th>difference vs control</th><th>interval</th><th>relative</th><th>p-value (Holm)</th><th>verdict</th><th>more blocks for 5 %</th></tr></thead><tbody>");
        foreach (var c in d.Comparisons)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr data-variant=\"{E(c.Variant)}\"><td>{E(c.Variant)}</td><td class=\"num\">{c.VariantBlocks} / {c.ControlBlocks}</td><td class=\"num\">{N(c.VariantMean)} vs {N(c.ControlMean)}</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{N(c.Difference)}</td><td class=\"num interval\">[{N(c.Low)}, {N(c.High)}]</td><td class=\"num\">{P(c.RelativeDifference)} [{P(c.RelativeLow)}, {P(c.RelativeHigh)}]</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{c.PValue:0.###} ({c.AdjustedPValue:0.###}{(c.ExactPValue ? ", exact" : "")})</td><td>{(c.Significant ? (c.Difference < 0 ? "<span class=\"ok\">lower than control</span>" : "<span class=\"bad\">higher than control</span>") : "<span class=\"muted\">no clear difference yet</span>")}</td>");
            var more = c.MoreServices is { } services
                ? $"{services} more services" + (c.MoreBlocksPerService is { } perService ? $" or {perService} more blocks each" : " (more days cannot)")
                : c.MoreBlocks is { } blocks ? blocks.ToString(CultureInfo.InvariantCulture) : "—";
            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{more}</td></tr>");
        }

        sb.Append("</tbody></table>");
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">{E(d.Method)}</p>");

        sb.Append("<h2>Per variant</h2><table id=\"variants\"><thead><tr><th>variant</th><th>blocks</th><th>measured</th><th>cost</th><th>requests served</th><th>unserved</th><th>SLO violation</th><th>scaling actions</th><th>overrides</th></tr></thead><tbody>");
        foreach (var v in d.Variants)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr data-variant=\"{E(v.Name)}\"><td>{E(v.Name)}{(v.Control ? " <span class=\"muted\">(control)</span>" : "")}{(v.Stopped ? " <span class=\"bad\">stopped</span>" : "")}</td><td class=\"num\">{v.Blocks}</td><td class=\"num\">{v.MeasuredMinutes:0} min</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{Usd(v.TotalCostUsd)}</td><td class=\"num\">{v.TotalRequestsServed:#,0}</td><td class=\"num\">{v.TotalUnservedRequests:#,0}</td><td class=\"num\">{v.TotalSloViolationMinutes:0.#} min</td><td class=\"num\">{v.TotalScalingActions}</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td><pre>{E(v.Overrides.Length == 0 ? "(the service's own policy)" : v.Overrides)}</pre></td></tr>");
        }

        sb.Append("</tbody></table>");
        sb.Append("<h2>Guardrails</h2>");
        if (d.Guardrails.Count == 0)
        {
            sb.Append("<p id=\"guardrails-none\" class=\"muted\">No guardrails declared.</p>");
        }
        else
        {
            sb.Append("<table id=\"guardrails\"><thead><tr><th>variant</th><th>metric</th><th>limit</th><th>pairs</th><th>mean excess</th><th>evidence / threshold</th><th>state</th></tr></thead><tbody>");
            foreach (var g in d.Guardrails)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<tr data-variant=\"{E(g.Variant)}\"><td>{E(g.Variant)}</td><td>{E(g.Metric)}</td><td class=\"num\">{g.Limit:0.###}</td><td class=\"num\">{g.Pairs}</td><td class=\"num\">{g.MeanExcess:0.###}</td>");
                sb.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{g.Evidence:0.##} / {g.Threshold:0.##}</td><td class=\"guardrail-state\">{(g.Stopped ? $"<span class=\"bad\">stopped the variant{(g.StoppedAtGroup is { } at ? $" at pair {at}" : "")}</span>" : "<span class=\"ok\">holding</span>")}</td></tr>");
            }

            sb.Append("</tbody></table>");
        }

        sb.Append("<h2>Blocks</h2>").Append(ExperimentCharts.Timeline(d));
        return Html("experiment " + s.Name, sb.ToString());
    }

    private static string N(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.####", CultureInfo.InvariantCulture) : "—";

    private static string P(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture) : "—";
}
