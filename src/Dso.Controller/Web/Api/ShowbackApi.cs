using System.Globalization;
using System.Text;
using Dso.Controller.Hosting;
using Dso.Controller.Web.Access;
using Dso.Controller.Web.Timing;
using Dso.DecisionLog;

namespace Dso.Controller.Web.Api;

/// <summary>
/// <c>/api/v1/showback</c> (+ <c>.csv</c>): cost per service or team (the policy's <c>team</c> label) by UTC day or month,
/// with the reactive counterfactual, from the spend ledger: the same rows the budget sums, so this month's showback
/// equals the budget's spend to date. An entry counts in the day its interval ends (as the budget counts it in the
/// month it ends).
/// </summary>
internal static class ShowbackApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/showback", async (string? from, string? to, string? grain, string? by, HttpRequest request, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct) =>
            await ShowbackAsync(request, store, loops, clock, ct) is { } result && result.Rows is { } rows
                ? Results.Json(rows.Select(r => new { r.Period, r.Service, r.Team, r.SpentUsd, r.ReactiveUsd, r.SavedUsd, r.Ticks }), DecisionJson.Options)
                : result.Error!)
            .RequireAnalyst().WithServerTiming().WithName("GetShowback").WithSummary("Cost per service or team by day or month from the spend ledger, with the reactive counterfactual");
        app.MapGet("/api/v1/showback.csv", async (string? from, string? to, string? grain, string? by, HttpRequest request, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct) =>
            await ShowbackAsync(request, store, loops, clock, ct) is { } result && result.Rows is { } rows ? ServerTiming.For(request.HttpContext).Measure("csv", () => Csv(rows)) : result.Error!)
            .RequireAnalyst().WithServerTiming().WithName("ExportShowback").WithSummary("Showback as CSV");
    }

    internal static async Task<(IReadOnlyList<ShowbackRow>? Rows, IResult? Error)> ShowbackAsync(HttpRequest request, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct)
    {
        var p = new ApiParameters(request.Query, ["from", "to", "grain", "by"]);
        var now = clock.Time.GetUtcNow();
        var start = p.Time("from") ?? ServiceDirectory.MonthStart(now).AddMonths(-2);
        var end = p.Time("to") ?? now.AddMinutes(1);
        var grain = p.OneOf("grain", "day", "month") ?? "day";
        var by = p.OneOf("by", "service", "team") ?? "service";
        p.Check(start < end, "to", "must be after 'from'");
        p.Check(end - start <= SeriesResolution.MaxRange, "from", $"the range may span at most {SeriesResolution.MaxRange.TotalDays:0} days");
        if (!p.IsValid)
        {
            return (null, p.BadRequest());
        }

        var days = await ServerTiming.For(request.HttpContext).Db(() => store.SpendByDayAsync(start, end, ct));
        var rows = days
            .Select(d => (Period: d.Day.ToString(grain == "day" ? "yyyy-MM-dd" : "yyyy-MM", CultureInfo.InvariantCulture), Team: ServiceDirectory.Team(loops, d.Service), d))
            .GroupBy(x => (x.Period, Key: by == "team" ? x.Team : x.d.Service))
            .Select(g => new ShowbackRow(g.Key.Period, by == "team" ? "*" : g.Key.Key, g.First().Team, g.Sum(x => x.d.SpentUsd), g.Sum(x => x.d.ReactiveUsd), g.Sum(x => x.d.Entries)))
            .OrderBy(r => r.Period, StringComparer.Ordinal).ThenBy(r => r.Team, StringComparer.Ordinal).ThenBy(r => r.Service, StringComparer.Ordinal)
            .ToList();
        return (rows, null);
    }

    private static IResult Csv(IReadOnlyList<ShowbackRow> rows)
    {
        var sb = new StringBuilder("period,service,team,spent_usd,reactive_usd,saved_usd,ticks\r\n");
        foreach (var r in rows)
        {
            sb.AppendJoin(',', [r.Period, DecisionCsv.Cell(r.Service), DecisionCsv.Cell(r.Team), Money(r.SpentUsd), Money(r.ReactiveUsd), Money(r.SavedUsd),
                r.Ticks.ToString(CultureInfo.InvariantCulture)]).Append("\r\n");
        }

        return Results.File(Encoding.UTF8.GetBytes(sb.ToString()), "text/csv; charset=utf-8", "showback.csv");
    }

    private static string Money(decimal usd) => usd.ToString("0.00", CultureInfo.InvariantCulture);
}
