using System.Text;
using Dso.Controller.Web.Access;
using Dso.Controller.Web.Timing;
using Dso.DecisionLog;
using Dso.DecisionLog.Queries;

namespace Dso.Controller.Web.Api;

using DecisionQuery = Dso.DecisionLog.Queries.DecisionQuery;

/// <summary>
/// <c>GET /api/v1/decisions</c> (filters and cursor paging), <c>GET /api/v1/decisions.csv</c> (the same query as
/// CSV, every page up to <see cref="MaxCsvRows"/>) and <c>GET /api/v1/decisions/{id}</c> (one decision in full).
/// </summary>
internal static class DecisionsApi
{
    public const int MaxCsvRows = 200_000;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/decisions", ListAsync).RequireAnalyst().WithServerTiming()
            .WithName("ListDecisions").WithSummary("Decisions, newest first, filtered; pass nextCursor back as cursor for the next page");
        app.MapGet("/api/v1/decisions.csv", CsvAsync).RequireAnalyst().WithServerTiming()
            .WithName("ExportDecisions").WithSummary("The same query as CSV: every page from the cursor on, at most limit rows (default and maximum 200,000)");
        app.MapGet("/api/v1/decisions/{id}", async (string id, HttpContext http, IDecisionStore store, CancellationToken ct) =>
                await ServerTiming.For(http).Db(() => store.FindAsync(id, ct)) is { } record
                    ? Results.Json(record, DecisionJson.Options)
                    : Results.Json(new { error = $"no decision with id '{id}'" }, statusCode: StatusCodes.Status404NotFound))
            .RequireAnalyst().WithServerTiming().WithName("GetDecision").WithSummary("One decision in full: inputs, forecast, alternatives, reactive counterfactual, reason, budget, outcome");
    }

    private static async Task<IResult> ListAsync([AsParameters] DecisionFilter filter, HttpRequest request, IDecisionStore store, CancellationToken ct)
    {
        if (DecisionFilter.Parse(request, DecisionQuery.MaxLimit, out var parameters) is not { } query)
        {
            return parameters.BadRequest();
        }

        var page = await ServerTiming.For(request.HttpContext).Db(() => store.QueryAsync(query, ct));
        return Results.Json(new { items = page.Items, nextCursor = page.NextCursor }, DecisionJson.Options);
    }

    private static async Task<IResult> CsvAsync([AsParameters] DecisionFilter filter, HttpRequest request, IDecisionStore store, CancellationToken ct)
    {
        if (DecisionFilter.Parse(request, MaxCsvRows, out var parameters) is not { } query)
        {
            return parameters.BadRequest();
        }

        // Here limit caps the whole export (default: the maximum), read page by page from the cursor on.
        var total = request.Query.ContainsKey("limit") ? query.Limit : MaxCsvRows;
        var timing = ServerTiming.For(request.HttpContext);
        var sb = new StringBuilder(DecisionCsv.Header).Append("\r\n");
        var rows = 0;
        for (long? cursor = query.Before; rows < total;)
        {
            var page = await timing.Db(() => store.QueryAsync(query with { Before = cursor, Limit = Math.Min(DecisionQuery.MaxLimit, total - rows) }, ct));
            timing.Measure("csv", () =>
            {
                foreach (var record in page.Items)
                {
                    DecisionCsv.AppendRow(sb, record);
                }

                return sb;
            });

            rows += page.Items.Count;
            if (page.NextCursor is null)
            {
                break;
            }

            cursor = page.NextCursor;
        }

        var name = $"decisions{(query.Service is null ? "" : "-" + query.Service)}.csv";
        return Results.File(timing.Measure("csv", () => Encoding.UTF8.GetBytes(sb.ToString())), "text/csv; charset=utf-8", name);
    }
}
