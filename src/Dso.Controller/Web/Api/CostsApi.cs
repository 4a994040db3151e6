using System.Globalization;
using System.Text;
using Dso.Controller.Hosting;
using Dso.Controller.Web.Access;
using Dso.DecisionLog;
using Dso.DecisionLog.Queries;

namespace Dso.Controller.Web.Api;

using DecisionQuery = Dso.DecisionLog.Queries.DecisionQuery;

/// <summary>
/// Money and trouble: <c>/api/v1/overview</c>, <c>/api/v1/budget</c>, <c>/api/v1/savings</c>, <c>/api/v1/showback</c>
/// (+ <c>.csv</c>) and <c>/api/v1/anomalies</c>. Spend is what each decision's fleet cost until the next one; the
/// counterfactual is what the cost optimizer's <c>reactive</c> alternative would have cost over the same time.
/// </summary>
internal static class CostsApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/overview", async (HttpRequest request, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct) =>
            new ApiParameters(request.Query, []) is { IsValid: false } p ? p.BadRequest()
            : Results.Json(await OverviewBuilder.BuildAsync(store, loops, clock, ct), DecisionJson.Options))
            .RequireAnalyst().WithName("GetOverview").WithSummary("Every service: SLO status, budget and projection, this month's spend and savings, last day's anomalies and held ticks");

        app.MapGet("/api/v1/budget", async (HttpRequest request, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct) =>
            new ApiParameters(request.Query, []) is { IsValid: false } p ? p.BadRequest()
            : Results.Json((await OverviewBuilder.BuildAsync(store, loops, clock, ct)).Select(o => new { o.Service, o.Team, budget = o.Budget, o.MonthSpentUsd }), DecisionJson.Options))
            .RequireAnalyst().WithName("GetBudget").WithSummary("Budget state per service: monthly budget, spend to date, projection to month end, enforcement");

        app.MapGet("/api/v1/savings", SavingsAsync).RequireAnalyst()
            .WithName("GetSavings").WithSummary("Spend against the reactive counterfactual per service over a range (default: this month)");
        app.MapGet("/api/v1/showback", async (string? from, string? to, string? grain, string? by, HttpRequest request, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct) =>
            await ShowbackAsync(request, store, loops, clock, ct) is { } result && result.Rows is { } rows
                ? Results.Json(rows.Select(r => new { r.Period, r.Service, r.Team, r.SpentUsd, r.ReactiveUsd, r.SavedUsd }), DecisionJson.Options)
                : result.Error!)
            .RequireAnalyst().WithName("GetShowback").WithSummary("Cost per service or team by day or month, with the reactive counterfactual");
        app.MapGet("/api/v1/showback.csv", async (string? from, string? to, string? grain, string? by, HttpRequest request, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct) =>
            await ShowbackAsync(request, store, loops, clock, ct) is { } result && result.Rows is { } rows ? Csv(rows) : result.Error!)
            .RequireAnalyst().WithName("ExportShowback").WithSummary("Showback as CSV");
        app.MapGet("/api/v1/anomalies", AnomaliesAsync).RequireAnalyst()
            .WithName("ListAnomalies").WithSummary("Anomalies seen by decisions, newest first (service, from, to, limit)");
    }

    private static async Task<IResult> SavingsAsync(string? from, string? to, HttpRequest request, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct)
    {
        var p = new ApiParameters(request.Query, ["from", "to"]);
        var now = clock.Time.GetUtcNow();
        var (start, end) = (p.Time("from") ?? ServiceDirectory.MonthStart(now), p.Time("to") ?? now.AddMinutes(1));
        p.Check(start < end, "to", "must be after 'from'");
        if (!p.IsValid)
        {
            return p.BadRequest();
        }

        var totals = await store.TotalsAsync(start, end, ct);
        var rows = totals.Select(t => new
        {
            t.Service,
            team = ServiceDirectory.Team(loops, t.Service),
            t.SpentUsd,
            t.ReactiveUsd,
            savedUsd = t.ReactiveUsd - t.SpentUsd,
            savedShare = t.ReactiveUsd > 0 ? (t.ReactiveUsd - t.SpentUsd) / t.ReactiveUsd : 0,
        }).ToList();
        return Results.Json(new
        {
            from = start,
            to = end,
            services = rows,
            spentUsd = rows.Sum(r => r.SpentUsd),
            reactiveUsd = rows.Sum(r => r.ReactiveUsd),
            savedUsd = rows.Sum(r => r.savedUsd),
        }, DecisionJson.Options);
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

        var days = await store.DailyCostsAsync(start, end, ct);
        var rows = days
            .Select(d => (Period: grain == "day" ? d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.Day.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                Team: ServiceDirectory.Team(loops, d.Service), d))
            .GroupBy(x => (x.Period, Key: by == "team" ? x.Team : x.d.Service))
            .Select(g => new ShowbackRow(g.Key.Period, by == "team" ? "*" : g.Key.Key, g.First().Team, g.Sum(x => x.d.SpentUsd), g.Sum(x => x.d.ReactiveUsd)))
            .OrderBy(r => r.Period, StringComparer.Ordinal).ThenBy(r => r.Team, StringComparer.Ordinal).ThenBy(r => r.Service, StringComparer.Ordinal)
            .ToList();
        return (rows, null);
    }

    private static IResult Csv(IReadOnlyList<ShowbackRow> rows)
    {
        var sb = new StringBuilder("period,service,team,spent_usd,reactive_usd,saved_usd\r\n");
        foreach (var r in rows)
        {
            sb.AppendJoin(',', [r.Period, DecisionCsv.Cell(r.Service), DecisionCsv.Cell(r.Team),
                r.SpentUsd.ToString("0.00", CultureInfo.InvariantCulture), r.ReactiveUsd.ToString("0.00", CultureInfo.InvariantCulture), r.SavedUsd.ToString("0.00", CultureInfo.InvariantCulture)]).Append("\r\n");
        }

        return Results.File(Encoding.UTF8.GetBytes(sb.ToString()), "text/csv; charset=utf-8", "showback.csv");
    }

    private static async Task<IResult> AnomaliesAsync(string? service, string? from, string? to, string? limit, HttpRequest request, IDecisionStore store, CancellationToken ct)
    {
        var p = new ApiParameters(request.Query, ["service", "from", "to", "limit"]);
        var query = new DecisionQuery
        {
            Service = p.Text("service"),
            From = p.Time("from"),
            To = p.Time("to"),
            Anomalies = true,
            Limit = p.Int("limit", 1, DecisionQuery.MaxLimit) ?? DecisionQuery.DefaultLimit,
        };
        if (!p.IsValid)
        {
            return p.BadRequest();
        }

        var page = await store.QueryAsync(query, ct);
        return Results.Json(page.Items.SelectMany(r => r.Decision.Anomalies.Select(a => new
        {
            at = r.Decision.Timestamp,
            service = r.Decision.Service,
            decisionId = r.Decision.Id,
            a.Kpi,
            a.Kind,
            a.Value,
            a.Score,
            a.Action,
        })), DecisionJson.Options);
    }
}
