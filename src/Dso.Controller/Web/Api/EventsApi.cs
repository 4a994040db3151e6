using Dso.Controller.Web.Access;
using Dso.Controller.Web.Timing;
using Dso.DecisionLog;

namespace Dso.Controller.Web.Api;

/// <summary>
/// <c>/api/v1/events</c>: what the log records beside decisions, newest first: policy loads and rejected edits,
/// anomalies, backfills, restored or refused planner state (<c>planner_state</c>), spend carried over after a rename,
/// failed ticks, approvals. Filters <c>service</c>, <c>kind</c>, <c>from</c>, <c>to</c> (ISO-8601, <c>to</c>
/// exclusive), <c>limit</c> (1-1000, default 100).
/// </summary>
internal static class EventsApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/events", EventsAsync).RequireAnalyst().WithServerTiming()
            .WithName("ListEvents").WithSummary("Events logged beside decisions, newest first (service, kind, from, to, limit)");

    private static async Task<IResult> EventsAsync(HttpRequest request, IDecisionStore store, CancellationToken ct)
    {
        var p = new ApiParameters(request.Query, ["service", "kind", "from", "to", "limit"]);
        var (service, kind, from, to) = (p.Text("service"), p.Text("kind"), p.Time("from"), p.Time("to"));
        var limit = p.Int("limit", 1, MaxLimit) ?? DefaultLimit;
        if (from is { } f && to is { } t)
        {
            p.Check(f < t, "to", "must be after 'from'");
        }

        if (!p.IsValid)
        {
            return p.BadRequest();
        }

        var events = await ServerTiming.For(request.HttpContext).Db(() => store.EventsAsync(service, kind, from, to, limit, ct));
        return Results.Json(events.Select(e => new { e.Sequence, at = e.At, e.Service, e.Kind, e.Message }), DecisionJson.Options);
    }
}
