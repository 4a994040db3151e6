using System.Text.Json;
using Dso.Abstractions.Approvals;
using Dso.Controller.Web.Access;
using Dso.DecisionLog;
using Dso.Reconcile.Approvals;

namespace Dso.Controller.Web.Api;

/// <summary>
/// The approval queue of services in mode <c>approve</c>: <c>GET /api/v1/approvals</c> (pending by default, with
/// filters), <c>GET /api/v1/approvals/{id}</c>, and the operator's <c>POST .../approve</c> and <c>.../reject</c>
/// (optional JSON body <c>{"note": "..."}</c>). Who answered is the API key's id. An approved change is applied by
/// the service's next tick, after the plan guard; <c>/api/approvals</c> answers the same (the path).
/// </summary>
internal static class ApprovalsApi
{
    public const int MaxNoteLength = 500;

    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "/api/v1/approvals", "/api/approvals" })
        {
            var versioned = prefix.StartsWith("/api/v1", StringComparison.Ordinal);
            var list = app.MapGet(prefix, ListAsync).RequireAnalyst();
            var get = app.MapGet(prefix + "/{id}", GetAsync).RequireAnalyst();
            var approve = app.MapPost(prefix + "/{id}/approve", (string id, HttpContext context, ApprovalDesk desk, CancellationToken ct) => AnswerAsync(id, approve: true, context, desk, ct)).RequireOperator();
            var reject = app.MapPost(prefix + "/{id}/reject", (string id, HttpContext context, ApprovalDesk desk, CancellationToken ct) => AnswerAsync(id, approve: false, context, desk, ct)).RequireOperator();
            if (!versioned)
            {
                foreach (var alias in new[] { list, get, approve, reject })
                {
                    alias.ExcludeFromDescription();
                }

                continue;
            }

            list.WithName("ListApprovals")
                .WithSummary("Changes waiting for an operator (status=pending by default; open, all or any one status), newest first; filters service, from, to (request time), limit 1-1000");
            get.WithName("GetApproval").WithSummary("One approval request: the fleet before and after, cost, who answered and when, and how it ended")
                .Produces(StatusCodes.Status404NotFound);
            approve.WithName("ApproveChange").WithSummary("Operator: approve a pending change; the service's next tick re-checks it against the current fleet, limits and budget and applies it")
                .Accepts<ApprovalNote>("application/json").Produces(StatusCodes.Status404NotFound).Produces(StatusCodes.Status409Conflict);
            reject.WithName("RejectChange").WithSummary("Operator: reject a pending change; the same change is not asked for again within the approval timeout")
                .Accepts<ApprovalNote>("application/json").Produces(StatusCodes.Status404NotFound).Produces(StatusCodes.Status409Conflict);
        }
    }

    /// <summary>The optional body of approve and reject.</summary>
    internal sealed record ApprovalNote(string? Note);

    private static async Task<IResult> ListAsync([AsParameters] ApprovalFilter filter, HttpRequest request, ApprovalDesk desk, CancellationToken ct)
    {
        if (ApprovalFilter.Parse(request, out var parameters) is not { } query)
        {
            return parameters.BadRequest();
        }

        // Expiry is recorded here too, so the list is true even while a service's loop is not ticking.
        await desk.ExpireDueAsync(query.Service, ct);
        var items = await desk.Queue.ApprovalsAsync(query, ct);
        return Results.Json(new { items }, DecisionJson.Options);
    }

    private static async Task<IResult> GetAsync(string id, ApprovalDesk desk, CancellationToken ct)
    {
        await desk.ExpireDueAsync(null, ct);
        return await desk.Queue.FindApprovalAsync(id, ct) is { } found
            ? Results.Json(found, DecisionJson.Options)
            : Results.Json(new { error = $"no approval request with id '{id}'" }, statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> AnswerAsync(string id, bool approve, HttpContext context, ApprovalDesk desk, CancellationToken ct)
    {
        var (note, problem) = await ReadNoteAsync(context.Request, ct);
        if (problem is not null)
        {
            return Results.Json(new { error = $"field 'note': {problem}", parameter = "note" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var who = context.User.Identity?.Name ?? "unknown";
        var answer = approve ? await desk.ApproveAsync(id, who, note, ct) : await desk.RejectAsync(id, who, note, ct);
        return answer.Kind switch
        {
            ApprovalAnswerKind.Taken => Results.Json(answer.Request, DecisionJson.Options),
            ApprovalAnswerKind.NotFound => Results.Json(new { error = answer.Message }, statusCode: StatusCodes.Status404NotFound),
            _ => Results.Json(new { error = answer.Message, status = answer.Request?.Status }, DecisionJson.Options, statusCode: StatusCodes.Status409Conflict),
        };
    }

    /// <summary>No body, an empty body, or <c>{"note": "..."}</c>; anything else is a 400 naming the field.</summary>
    private static async Task<(string? Note, string? Problem)> ReadNoteAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, "the body must be a JSON object such as {\"note\": \"ok for the sale\"}");
            }

            string? note = null;
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name != "note")
                {
                    return (null, $"unknown field '{property.Name}' (known: note)");
                }

                if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                {
                    return (null, "must be a string");
                }

                note = property.Value.GetString();
            }

            return note is { Length: > MaxNoteLength } ? (null, $"is longer than {MaxNoteLength} characters") : (note, null);
        }
        catch (JsonException ex)
        {
            return (null, $"the body is not valid JSON: {ex.Message}");
        }
    }
}
