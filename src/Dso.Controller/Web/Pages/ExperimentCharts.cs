using System.Globalization;
using System.Text;
using Dso.Controller.Experiments.Views;
using static Dso.Controller.Web.Pages.PageLayout;

namespace Dso.Controller.Web.Pages;

/// <summary>Server-drawn SVG for the experiment page: each estimate with its interval against zero, and the blocks on a timeline.</summary>
internal static class ExperimentCharts
{
    private const int Width = 900;
    private const int Left = 140;
    private const int Right = 20;
    private static readonly string[] Palette = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#db2777", "#0891b2"];

    /// <summary>One row per variant: the interval as a bar, the estimate as a dot, zero as a line. An unbounded side runs to the edge, dashed.</summary>
    public static string Intervals(IReadOnlyList<ExperimentComparisonView> comparisons)
    {
        var shown = comparisons.Where(c => c.Difference is { } x && double.IsFinite(x)).ToList();
        if (shown.Count == 0)
        {
            return "<p id=\"estimate-none\" class=\"muted\">No estimate yet: each variant needs complete blocks beside control's.</p>";
        }

        var values = shown.SelectMany(c => new[] { c.Low, c.High, c.Difference }).Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).Append(0).ToList();
        var (lo, hi) = (values.Min(), values.Max());
        var pad = Math.Max((hi - lo) * 0.1, 1e-9);
        (lo, hi) = (lo - pad, hi + pad);
        double X(double v) => Left + ((v - lo) / (hi - lo) * (Width - Left - Right));
        var rowHeight = 34;
        var height = 30 + (shown.Count * rowHeight);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg id=\"estimates\" role=\"img\" aria-label=\"difference from control with interval\" width=\"100%\" viewBox=\"0 0 {Width} {height}\" preserveAspectRatio=\"xMinYMin meet\">");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(0):0.#}\" x2=\"{X(0):0.#}\" y1=\"4\" y2=\"{height - 18}\" stroke=\"#6b7280\" stroke-dasharray=\"3 3\"/><text x=\"{X(0):0.#}\" y=\"{height - 4}\" text-anchor=\"middle\">0 (same as control)</text>");
        for (var i = 0; i < shown.Count; i++)
        {
            var c = shown[i];
            var y = 20 + (i * rowHeight);
            var color = c.Significant ? (c.Difference < 0 ? "#166534" : "#b00020") : "#6b7280";
            var (a, b) = (c.Low is { } l && double.IsFinite(l) ? X(l) : Left, c.High is { } h && double.IsFinite(h) ? X(h) : Width - Right);
            var dashed = c.Low is null || c.High is null ? " stroke-dasharray=\"6 4\"" : "";
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"estimate\" data-variant=\"{E(c.Variant)}\"><title>{E(c.Variant)} − {E(c.Control)}: {c.Difference:0.####} [{c.Low?.ToString("0.####", CultureInfo.InvariantCulture) ?? "unbounded"}, {c.High?.ToString("0.####", CultureInfo.InvariantCulture) ?? "unbounded"}]</title>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"{y + 4}\" text-anchor=\"end\">{E(c.Variant)}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<line class=\"interval\" x1=\"{a:0.#}\" x2=\"{b:0.#}\" y1=\"{y}\" y2=\"{y}\" stroke=\"{color}\" stroke-width=\"4\"{dashed}/>");
            sb.Append(CultureInfo.InvariantCulture, $"<circle class=\"point\" cx=\"{X(c.Difference!.Value):0.#}\" cy=\"{y}\" r=\"6\" fill=\"{color}\"/></g>");
        }

        return sb.Append("</svg>").ToString();
    }

    /// <summary>One row per service, one rectangle per block coloured by its variant; the washout is paler; the running block is outlined.</summary>
    public static string Timeline(ExperimentDetail d)
    {
        if (d.Blocks.Count == 0)
        {
            return "<p id=\"blocks-none\" class=\"muted\">No blocks yet (the experiment has not started).</p>";
        }

        var variants = d.Experiment.Variants;
        string Color(string variant) => Palette[Math.Max(0, variants.ToList().IndexOf(variant)) % Palette.Length];
        var services = d.Blocks.Select(b => b.Service).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var start = d.Blocks.Min(b => b.Start);
        var end = d.Blocks.Max(b => b.End);
        var span = Math.Max(1, (end - start).TotalSeconds);
        double X(DateTimeOffset t) => Left + ((t - start).TotalSeconds / span * (Width - Left - Right));
        const int rowHeight = 26;
        var height = 40 + (services.Count * rowHeight);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg id=\"timeline\" role=\"img\" aria-label=\"blocks by variant over time\" width=\"100%\" viewBox=\"0 0 {Width} {height}\" preserveAspectRatio=\"xMinYMin meet\">");
        for (var i = 0; i < services.Count; i++)
        {
            var y = 8 + (i * rowHeight);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"{y + 15}\" text-anchor=\"end\">{E(services[i])}</text>");
            foreach (var b in d.Blocks.Where(b => b.Service == services[i]))
            {
                var (x0, x1) = (X(b.Start), X(b.End));
                var washout = Math.Min(x1, X(b.Start.AddMinutes(b.WashoutMinutes)));
                var color = Color(b.Variant);
                sb.Append(CultureInfo.InvariantCulture, $"<g class=\"block\" data-variant=\"{E(b.Variant)}\" data-complete=\"{(b.Complete ? "true" : "false")}\"><title>block {b.Block} · {E(b.Variant)} · {Time(b.Start)} – {Time(b.End)}{(b.Complete ? "" : " (running)")} · cost {Usd(b.CostUsd)}, {b.RequestsServed:#,0} served, {b.UnservedRequests:#,0} unserved</title>");
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x0:0.##}\" y=\"{y}\" width=\"{Math.Max(0.5, washout - x0):0.##}\" height=\"20\" fill=\"{color}\" opacity=\"0.35\"/>");
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{washout:0.##}\" y=\"{y}\" width=\"{Math.Max(0.5, x1 - washout):0.##}\" height=\"20\" fill=\"{color}\"{(b.Complete ? "" : " stroke=\"#111\" stroke-width=\"1.5\" fill-opacity=\"0.6\"")}/></g>");
            }
        }

        var legendY = height - 10;
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{legendY}\">{Time(start)}</text><text x=\"{Width - Right}\" y=\"{legendY}\" text-anchor=\"end\">{Time(end)}</text>");
        var lx = Left + 170;
        foreach (var v in variants)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{lx}\" y=\"{legendY - 10}\" width=\"12\" height=\"12\" fill=\"{Color(v)}\"/><text x=\"{lx + 16}\" y=\"{legendY}\">{E(v)}</text>");
            lx += 30 + (v.Length * 7);
        }

        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx + 10}\" y=\"{legendY}\" class=\"muted\">(pale: washout, not measured)</text>");
        return sb.Append("</svg>").ToString();
    }
}
