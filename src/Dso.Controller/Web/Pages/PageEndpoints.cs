using Dso.Controller.Hosting;
using Dso.Controller.Web.Access;
using Dso.DecisionLog;

namespace Dso.Controller.Web.Pages;

/// <summary>The analyst pages: overview, service, decision and showback (all reads: analyst role).</summary>
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
    }
}
