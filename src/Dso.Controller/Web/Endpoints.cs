using Dso.Abstractions.Decisions;
using Dso.Controller.Health;
using Dso.Controller.Hosting;
using Dso.Controller.Web.Access;
using Dso.Controller.Web.Api;
using Dso.DecisionLog;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Dso.Controller.Web;

/// <summary>The HTTP surface: health, metrics, the decisions page and the read API.</summary>
internal static class Endpoints
{
    public static void Map(WebApplication app)
    {
        ErrorResponses.Use(app);
        app.UseAuthentication();
        app.UseAuthorization();
        LoginEndpoints.Map(app);
        app.MapOpenApi().RequireAnalyst();
        DecisionsApi.Map(app);
        ApprovalsApi.Map(app);
        SeriesApi.Map(app);
        CostsApi.Map(app);
        EventsApi.Map(app);
        ShowbackApi.Map(app);
        ExperimentsApi.Map(app);
        Pages.PageEndpoints.Map(app);

        // Probes and scrapers read these without a key; they carry no decision detail beyond what /metrics exports.
        HealthEndpoints.Map(app);
        app.Use(async (context, next) =>
        {
            // The health gauge is judged at scrape time, so a loop that stopped ticking shows up without a tick to report it.
            if (context.Request.Path == "/metrics")
            {
                HealthMetrics.Publish(HealthEndpoints.Report(context.RequestServices.GetRequiredService<LoopRegistry>(), context.RequestServices.GetRequiredService<ServiceHealthTracker>()));
            }

            await next(context);
        });
        app.MapMetrics("/metrics");
        PushEndpoints.Map(app);
        app.MapGet("/", async (HttpContext context, IDecisionLog log, LoopRegistry loops, PolicyReloader reloader, IOptions<DsoOptions> options, string? service, CancellationToken ct) =>
        {
            var records = await log.RecentAsync(service, options.Value.DecisionPageSize, ct);
            var speed = context.RequestServices.GetRequiredService<ServiceClock>().Speed;
            return Results.Content(DecisionsPage.Render(records, loops.Current.Version, reloader.LastError, speed, reloader.Warnings), "text/html; charset=utf-8");
        }).RequireAnalyst();
        app.MapGet("/api/decisions", async (IDecisionLog log, string? service, string? limit, CancellationToken ct) =>
            DecisionQuery.ParseLimit(limit, out var rows) is { } problem
                ? Results.Json(problem, statusCode: StatusCodes.Status400BadRequest)
                : Results.Json(await log.RecentAsync(service, rows, ct), DecisionJson.Options)).RequireAnalyst();
        app.MapGet("/api/services", (LoopRegistry loops) => Results.Json(loops.Current.Services.Select(s => new
        {
            s.Name,
            s.Provider,
            s.ScaleGroup,
            tick = s.Tick.ToString(),
            strategy = s.Strategy.Name,
            budgetMonthlyUsd = s.Budget.MonthlyUsd,
            enforcement = s.Budget.Enforcement.ToString().ToLowerInvariant(),
            promoted = s.Promoted?.ToString(),
        }))).RequireAnalyst();

        // An operator action: look at the policy files now instead of at the next poll (e.g. right after a deploy).
        app.MapPost("/api/policies/reload", async (PolicyReloader reloader, LoopRegistry loops, CancellationToken ct) =>
        {
            await reloader.ReloadIfChangedAsync(ct);
            return Results.Json(new { policyVersion = loops.Current.Version, policyError = reloader.LastError, policyWarnings = reloader.Warnings });
        }).RequireOperator();
    }
}
