using System.Globalization;
using System.Text;
using Dso.DecisionLog.Queries;
using static Dso.Controller.Web.Pages.PageLayout;

namespace Dso.Controller.Web.Pages;

/// <summary>
/// The service chart as server-drawn SVG (no chart library to ship or fetch): demand, the forecast band (p50-p90),
/// ready and billed capacity on the left axis, cost per hour on the right, decision and anomaly markers as ticks
/// along the bottom with titles. Each series is a path with an id, so tests and readers can find it.
/// </summary>
internal static class SeriesChart
{
    private const int Width = 1100;
    private const int Height = 360;
    private const int Left = 60;
    private const int Right = 60;
    private const int Top = 20;
    private const int Bottom = 50;

    public static string Render(ServiceSeries series)
    {
        var sb = new StringBuilder();
        var b = series.Buckets;
        var x0 = series.From.ToUnixTimeMilliseconds();
        var span = Math.Max(1, series.To.ToUnixTimeMilliseconds() - x0);
        var yMax = Math.Max(1, b.SelectMany(k => new[] { k.DemandPeakRps, k.ForecastP90Rps, k.ReadyCapacityRps, k.BilledCapacityRps }).Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(1).Max() * 1.1);
        var cMax = Math.Max(0.01, b.Select(k => Math.Max(k.HourlyCostUsd ?? 0, k.ReactiveHourlyCostUsd ?? 0)).DefaultIfEmpty(0.01).Max() * 1.1);
        double X(DateTimeOffset at) => Left + ((at.ToUnixTimeMilliseconds() - x0) / (double)span * (Width - Left - Right));
        double Y(double v) => Top + ((1 - (v / yMax)) * (Height - Top - Bottom));
        double C(double v) => Top + ((1 - (v / cMax)) * (Height - Top - Bottom));
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        sb.Append(CultureInfo.InvariantCulture, $"<svg id=\"chart\" viewBox=\"0 0 {Width} {Height}\" width=\"100%\" role=\"img\" aria-label=\"demand, forecast, capacity and cost of {E(series.Service)}\" data-from=\"{Iso(series.From)}\" data-to=\"{Iso(series.To)}\" data-points=\"{b.Count}\">");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"#fafafa\" stroke=\"#ddd\"/>");
        for (var i = 0; i <= 4; i++)
        {
            var v = yMax * i / 4;
            var c = cMax * i / 4;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Y(v))}\" y2=\"{F(Y(v))}\" stroke=\"#eee\"/><text x=\"{Left - 6}\" y=\"{F(Y(v) + 4)}\" text-anchor=\"end\">{v:0}</text><text x=\"{Width - Right + 6}\" y=\"{F(C(c) + 4)}\">${c:0.##}</text>");
        }

        for (var i = 0; i <= 6; i++)
        {
            var at = series.From + ((series.To - series.From) * i / 6);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(at))}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{at.UtcDateTime:MM-dd HH:mm}</text>");
        }

        var band = b.Where(k => k.ForecastP50Rps is not null && k.ForecastP90Rps is not null).ToList();
        if (band.Count > 1)
        {
            var upper = band.Select(k => $"{F(X(k.Start))},{F(Y(k.ForecastP90Rps!.Value))}");
            var lower = band.AsEnumerable().Reverse().Select(k => $"{F(X(k.Start))},{F(Y(k.ForecastP50Rps!.Value))}");
            sb.Append(CultureInfo.InvariantCulture, $"<polygon id=\"series-forecast-band\" class=\"series\" points=\"{string.Join(' ', upper.Concat(lower))}\" fill=\"#bfdbfe\" fill-opacity=\".6\"><title>forecast p50–p90</title></polygon>");
        }

        Line(sb, "series-billed", "billed capacity (rps)", "#9ca3af", "4 3", b.Select(k => (k.Start, k.BilledCapacityRps)), X, Y);
        Line(sb, "series-ready", "ready capacity (rps)", "#16a34a", null, b.Select(k => (k.Start, k.ReadyCapacityRps)), X, Y);
        Line(sb, "series-demand", "demand (rps)", "#1d4ed8", null, b.Select(k => (k.Start, k.DemandRps)), X, Y);
        Line(sb, "series-cost", "cost ($/h)", "#b45309", null, b.Select(k => (k.Start, k.HourlyCostUsd)), X, C);
        Line(sb, "series-reactive-cost", "reactive cost ($/h)", "#b45309", "2 3", b.Select(k => (k.Start, k.ReactiveHourlyCostUsd)), X, C);

        foreach (var m in series.Markers)
        {
            var (y, color) = m.Kind switch { "anomaly" => (Height - Bottom + 26, "#dc2626"), "held" => (Height - Bottom + 34, "#d97706"), _ => (Height - Bottom + 30, "#4b5563") };
            sb.Append(CultureInfo.InvariantCulture, $"<a href=\"/decisions/{Uri.EscapeDataString(m.DecisionId)}\"><line class=\"marker marker-{m.Kind}\" x1=\"{F(X(m.At))}\" x2=\"{F(X(m.At))}\" y1=\"{y - 4}\" y2=\"{y + 4}\" stroke=\"{color}\" stroke-width=\"2\"><title>{Time(m.At)} {E(m.Kind)}: {E(m.Label)}</title></line></a>");
        }

        var legend = new[] { ("demand", "#1d4ed8"), ("forecast p50–p90", "#bfdbfe"), ("ready", "#16a34a"), ("billed", "#9ca3af"), ("cost $/h", "#b45309"), ("anomaly", "#dc2626"), ("change", "#4b5563"), ("held", "#d97706") };
        for (var i = 0; i < legend.Length; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left + (i * 120)}\" y=\"{Height - 10}\" width=\"10\" height=\"10\" fill=\"{legend[i].Item2}\"/><text x=\"{Left + (i * 120) + 14}\" y=\"{Height - 1}\">{legend[i].Item1}</text>");
        }

        return sb.Append("</svg>").ToString();
    }

    private static void Line(StringBuilder sb, string id, string title, string color, string? dash, IEnumerable<(DateTimeOffset At, double? Value)> points, Func<DateTimeOffset, double> x, Func<double, double> y)
    {
        var d = new StringBuilder();
        var pen = 'M';
        foreach (var (at, value) in points)
        {
            if (value is not { } v)
            {
                pen = 'M';
                continue;
            }

            d.Append(CultureInfo.InvariantCulture, $"{pen}{x(at):0.#},{y(v):0.#} ");
            pen = 'L';
        }

        sb.Append(CultureInfo.InvariantCulture, $"<path id=\"{id}\" class=\"series\" d=\"{d.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\"{(dash is null ? "" : $" stroke-dasharray=\"{dash}\"")}><title>{title}</title></path>");
    }
}
