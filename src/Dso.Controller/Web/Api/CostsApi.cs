using Dso.Controller.Hosting;
using Dso.Controller.Web.Access;
using Dso.Controller.Web.Timing;
using Dso.DecisionLog;
using Dso.DecisionLog.Queries;

namespace Dso.Controller.Web.Api;

using DecisionQuery = Dso.DecisionLog.Queries.DecisionQuery;

/// <summary>
/// Money and trouble: <c>/api/v1/overview</c>, <c>/api/v1/budget</c>, <c>/api/v1/savings</c> and <c>/api/v1/anomalies</c>
/// (showback: <see cref="ShowbackApi"/>). Spend is the durable spend ledger the budget enforces on (what the billed fleet
/// cost tick by tick); the counterfactual is what the previous decision's <c>reactive</c> alternative would have cost
/// over the same intervals.
/// </summary>
internal static class CostsApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/overview", async (HttpRequest request, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct) =>
            new ApiParameters(request.Query, []) is { IsValid: false } p ? p.BadRequest()
            : Results.Json(await OverviewBuilder.BuildAsync(store, loops, clock, ct, ServerTiming.For(request.HttpContext)), DecisionJson.Options))
            .RequireAnalyst().WithServerTiming().WithName("GetOverview").WithSummary("Every service: SLO status, budget and projection, this month's spend and savings, last day's anomalies and held ticks");

        app.MapGet("/api/v1/budget", async (HttpRequest request, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct) =>
            new ApiParameters(request.Query, []) is { IsValid: false } p ? p.BadRequest()
            : Results.Json((await OverviewBuilder.BuildAsync(store, loops, clock, ct, ServerTiming.For(request.HttpContext))).Select(o => new { o.Service, o.Team, budget = o.Budget, o.MonthSpentUsd }), DecisionJson.Options))
            .RequireAnalyst().WithServerTiming().WithName("GetBudget").WithSummary("Budget state per service: monthly budget, spend to date, projection to month end, enforcement");

        app.MapGet("/api/v1/savings", SavingsAsync).RequireAnalyst().WithServerTiming()
            .WithName("GetSavings").WithSummary("Spend against the reactive counterfactual per service over a range (default: this month)");
        app.MapGet("/api/v1/anomalies", AnomaliesAsync).RequireAnalyst().WithServerTiming()
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

        var days = await ServerTiming.For(request.HttpContext).Db(() => store.SpendByDayAsync(start, end, ct));
        var rows = days.GroupBy(d => d.Service, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new
        {
            Service = g.Key,
            team = ServiceDirectory.Team(loops, g.Key),
            SpentUsd = g.Sum(d => d.SpentUsd),
            ReactiveUsd = g.Sum(d => d.ReactiveUsd),
            savedUsd = g.Sum(d => d.ReactiveUsd - d.SpentUsd),
            savedShare = g.Sum(d => d.ReactiveUsd) > 0 ? g.Sum(d => d.ReactiveUsd - d.SpentUsd) / g.Sum(d => d.ReactiveUsd) : 0,
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

        var page = await ServerTiming.For(request.HttpContext).Db(() => store.QueryAsync(query, ct));
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
