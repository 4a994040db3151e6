using Dso.Controller.Experiments;
using Dso.Controller.Hosting;
using Dso.Controller.Web.Access;
using Dso.DecisionLog;
using Dso.Reconcile.Approvals;
using Microsoft.AspNetCore.Antiforgery;

namespace Dso.Controller.Web.Pages;

/// <summary>The dashboard pages: overview, service, decision, showback, experiments and approvals (reads: analyst; answering an approval: operator).</summary>
internal static class PageEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/overview", (IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct) =>
            OverviewPage.RenderAsync(store, loops, clock, ct)).RequireAnalyst().ExcludeFromDescription();
        app.MapGet("/services/{service}", (string service, HttpRequest request, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct) =>
            ServicePage.RenderAsync(service, request, store, loops, clock, ct)).RequireAnalyst().ExcludeFromDescription();
        app.MapGet("/decisions/{id}", (string id, IDecisionStore store, CancellationToken ct) =>
            DecisionPage.RenderAsync(id, store, ct)).RequireAnalyst().ExcludeFromDescription();
        app.MapGet("/showback", (HttpRequest request, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct) =>
            ShowbackPage.RenderAsync(request, store, loops, clock, ct)).RequireAnalyst().ExcludeFromDescription();
        app.MapGet("/experiments", (ExperimentHost host, ServiceClock clock) => ExperimentsPage.Render(host, clock)).RequireAnalyst().ExcludeFromDescription();
        app.MapGet("/experiments/{name}", (string name, HttpRequest request, ExperimentHost host, ServiceClock clock) =>
            ExperimentPage.Render(name, request, host, clock)).RequireAnalyst().ExcludeFromDescription();
        app.MapGet("/approvals", (HttpContext http, ApprovalDesk desk, IAntiforgery antiforgery, CancellationToken ct) =>
            ApprovalsPage.RenderAsync(http, desk, antiforgery, ct)).RequireAnalyst().ExcludeFromDescription();

        // An operator action from the page: the session's antiforgery token is checked by RequireOperator's filter.
        app.MapPost("/approvals/{id}/answer", (string id, HttpContext http, ApprovalDesk desk, CancellationToken ct) =>
            ApprovalsPage.AnswerAsync(id, http, desk, ct)).RequireOperator().ExcludeFromDescription();
    }
}
