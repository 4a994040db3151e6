using System.Globalization;
using System.Net;
using System.Text;

namespace Dso.Controller.Web.Pages;

/// <summary>The frame every dashboard page shares: title, navigation, styles. Server-rendered, no scripts from elsewhere.</summary>
internal static class PageLayout
{
    public static IResult Html(string title, string body) => Results.Content($$"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>DsoController: {{E(title)}}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a}
        nav{background:#1f2937;padding:.5rem 1.5rem}nav a{color:#e5e7eb;margin-right:1.2rem;text-decoration:none}
        main{padding:1rem 1.5rem}
        table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0 1.5rem}
        th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
        th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .ok{color:#166534}.bad{color:#b00020}.warn{color:#92400e}.muted{color:#6b7280}
        .change{background:#eef7ee}.held{background:#fff4e0}
        form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0}
        form.filters label{display:flex;flex-direction:column;font-size:.75rem}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
        svg text{font-size:11px;font-family:system-ui,sans-serif}
        </style></head><body>
        <nav><a href="/overview">Overview</a><a href="/showback">Showback</a><a href="/experiments">Experiments</a><a href="/approvals">Approvals</a><a href="/">Recent decisions</a><a href="/openapi/v1.json">API</a></nav>
        <main><h1>{{E(title)}}</h1>
        {{body}}
        </main></body></html>
        """, "text/html; charset=utf-8");

    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Usd(double value) => value.ToString("$#,##0.00", CultureInfo.InvariantCulture);

    public static string Usd(decimal value) => value.ToString("$#,##0.00", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static string Url(string path, params (string Key, string? Value)[] query) =>
        path + (query.Any(q => q.Value is not null) ? "?" + string.Join("&", query.Where(q => q.Value is not null).Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value!)}")) : "");

    public static StringBuilder Row(this StringBuilder sb, params string[] cells) => sb.Append("<tr>").AppendJoin("", cells.Select(c => $"<td>{c}</td>")).Append("</tr>");
}
