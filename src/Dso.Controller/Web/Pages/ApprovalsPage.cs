using System.Globalization;
using System.Text;
using Dso.Abstractions.Approvals;
using Dso.Controller.Web.Access;
using Dso.Controller.Web.Api;
using Dso.Reconcile.Approvals;
using Microsoft.AspNetCore.Antiforgery;
using static Dso.Controller.Web.Pages.PageLayout;

namespace Dso.Controller.Web.Pages;

/// <summary>
/// <c>GET /approvals</c>: the changes services in mode <c>approve</c> are waiting on (or, with <c>status</c>, the
/// answered ones), with what each would change and cost. An operator's session shows approve and reject buttons:
/// plain form posts to <c>/approvals/{id}/approve|reject</c> carrying the antiforgery token, answered through the
/// same <see cref="ApprovalDesk"/> as the API and redirected back here with the outcome.
/// </summary>
internal static class ApprovalsPage
{
    public static async Task<IResult> RenderAsync(HttpContext http, ApprovalDesk desk, IAntiforgery antiforgery, CancellationToken ct)
    {
        // The answer's outcome rides on the redirect back (ok, message); the rest is the API's list filter.
        var message = http.Request.Query["message"].FirstOrDefault();
        var ok = http.Request.Query["ok"].FirstOrDefault() == "true";
        http.Request.Query = new QueryCollection(http.Request.Query.Where(q => q.Key is not ("message" or "ok")).ToDictionary(q => q.Key, q => q.Value));
        if (ApprovalFilter.Parse(http.Request, out var parameters) is not { } query)
        {
            return parameters.BadRequest();
        }

        await desk.ExpireDueAsync(query.Service, ct);
        var items = await desk.Queue.ApprovalsAsync(query, ct);
        var isOperator = http.User.IsInRole(AccessRole.Operator.ToString().ToLowerInvariant());
        var token = isOperator ? antiforgery.GetAndStoreTokens(http).RequestToken : null;
        var status = http.Request.Query["status"].FirstOrDefault() ?? "pending";
        var sb = new StringBuilder();
        if (message is { Length: > 0 })
        {
            sb.Append(CultureInfo.InvariantCulture, $"<p id=\"answer\" class=\"{(ok ? "ok" : "bad")}\">{E(message)}</p>");
        }

        sb.Append("<form class=\"filters\" method=\"get\" action=\"/approvals\">");
        sb.Append(CultureInfo.InvariantCulture, $"<label>service<input name=\"service\" value=\"{E(query.Service)}\"></label><label>status<select name=\"status\">");
        foreach (var s in new[] { "pending", "open", "approved", "applied", "refused", "rejected", "expired", "superseded", "all" })
        {
            sb.Append(CultureInfo.InvariantCulture, $"<option{(s == status ? " selected" : "")}>{s}</option>");
        }

        sb.Append("</select></label><button type=\"submit\">show</button></form>");
        sb.Append(isOperator
            ? "<p class=\"muted\">Approving lets the service's next tick apply the change, after the usual safety checks against the fleet, limits and budget of that moment.</p>"
            : "<p class=\"muted\" id=\"read-only\">Signed in as an analyst: you can see what is waiting; an operator key is needed to approve or reject.</p>");
        if (items.Count == 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<p id=\"none\">No {E(status)} approval requests.</p>");
            return Html("approvals", sb.ToString());
        }

        sb.Append("<table id=\"approvals\"><thead><tr><th>asked</th><th>service</th><th>change</th><th>cost per hour</th><th>why</th><th>answer by</th><th>status</th><th></th></tr></thead><tbody>");
        foreach (var a in items)
        {
            var delta = a.HourlyCostDelta >= 0 ? $"+{Usd(a.HourlyCostDelta)}" : $"−{Usd(-a.HourlyCostDelta)}";
            sb.Append(CultureInfo.InvariantCulture, $"<tr data-approval=\"{E(a.Id)}\" data-status=\"{Status(a.Status)}\"><td>{Time(a.RequestedAt)}</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td><a href=\"/services/{Uri.EscapeDataString(a.Service)}\">{E(a.Service)}</a></td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td>{E(a.Before.ToString())} → <b>{E(a.Target.ToString())}</b> (+{a.InstancesAdded} / −{a.InstancesRemoved} instances)</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{Usd(a.HourlyCostBefore)} → {Usd(a.HourlyCostAfter)} ({delta})</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td>{E(a.Reason)} <span class=\"muted\">({E(a.Strategy)}; <a href=\"/decisions/{Uri.EscapeDataString(a.Id)}\">decision</a>)</span></td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td>{Time(a.ExpiresAt)}</td><td class=\"status\">{Status(a.Status)}{Answered(a)}</td><td>");
            if (isOperator && a.Status == ApprovalStatus.Pending)
            {
                var path = "/approvals/" + Uri.EscapeDataString(a.Id);
                sb.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{path}/answer\" class=\"answer\"><input type=\"hidden\" name=\"{AccessSchemes.CsrfField}\" value=\"{E(token)}\">");
                sb.Append("<input name=\"note\" placeholder=\"note (optional)\" maxlength=\"500\"> ");
                sb.Append("<button type=\"submit\" name=\"answer\" value=\"approve\" class=\"approve\">Approve</button> <button type=\"submit\" name=\"answer\" value=\"reject\" class=\"reject\">Reject</button></form>");
            }

            sb.Append("</td></tr>");
        }

        sb.Append("</tbody></table>");
        return Html("approvals", sb.ToString());
    }

    /// <summary><c>POST /approvals/{id}/answer</c> (operator, antiforgery-checked): approve or reject, then back to the list with what happened.</summary>
    public static async Task<IResult> AnswerAsync(string id, HttpContext http, ApprovalDesk desk, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            return Results.Json(new { error = "post the page's form (answer=approve|reject, optional note)", parameter = "answer" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var form = await http.Request.ReadFormAsync(ct);
        var answer = form["answer"].ToString();
        var note = form["note"].ToString().Trim();
        if (answer is not ("approve" or "reject"))
        {
            return Results.Json(new { error = $"field 'answer': must be approve or reject (was '{answer}')", parameter = "answer" }, statusCode: StatusCodes.Status400BadRequest);
        }

        if (note.Length > ApprovalsApi.MaxNoteLength)
        {
            return Results.Json(new { error = $"field 'note': is longer than {ApprovalsApi.MaxNoteLength} characters", parameter = "note" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var who = http.User.Identity?.Name ?? "unknown";
        var result = answer == "approve"
            ? await desk.ApproveAsync(id, who, note.Length == 0 ? null : note, ct)
            : await desk.RejectAsync(id, who, note.Length == 0 ? null : note, ct);
        var ok = result.Kind == ApprovalAnswerKind.Taken;
        var message = ok ? $"{(answer == "approve" ? "Approved" : "Rejected")} {id}{(answer == "approve" ? ": the service applies it at its next tick" : "")}." : result.Message;
        return Results.Redirect(Url("/approvals", ("ok", ok ? "true" : "false"), ("message", message)));
    }

    private static string Status(ApprovalStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    private static string Answered(ApprovalRequest a) =>
        a.DecidedBy is null ? "" : $" <span class=\"muted\">by {E(a.DecidedBy)}{(a.DecidedAt is { } at ? " at " + Time(at) : "")}{(a.Note is { Length: > 0 } n ? ": " + E(n) : "")}{(a.Resolution is { Length: > 0 } r ? "; " + E(r) : "")}</span>";
}
