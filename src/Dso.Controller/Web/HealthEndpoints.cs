using Dso.Controller.Health;
using Dso.Controller.Hosting;

namespace Dso.Controller.Web;

/// <summary>
/// <c>GET /healthz</c>: per service <c>ok | degraded | failing</c> with the reason, and the worst of them as the overall
/// status (always 200: a liveness probe must not restart the controller because a data source is down).
/// <c>GET /readyz</c>: 200 once policies are loaded and the loops run, 503 with the reason before.
/// </summary>
internal static class HealthEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", (LoopRegistry loops, PolicyReloader reloader, ServiceHealthTracker tracker) =>
        {
            var report = Report(loops, tracker);
            return Results.Json(new
            {
                status = loops.Current.Services.Count == 0 ? "starting" : Overall(report),
                policyVersion = loops.Current.Version,
                services = loops.Current.Services.Select(s => s.Name),
                health = report.ToDictionary(h => h.Service, h => new
                {
                    state = h.StateName,
                    reason = h.Reason,
                    lastTick = h.LastTickAt,
                    consecutiveFailures = h.ConsecutiveFailures,
                    consecutiveHolds = h.ConsecutiveHolds,
                }, StringComparer.Ordinal),
                policyError = reloader.LastError,
                policyWarnings = reloader.Warnings,
            });
        });
        app.MapGet("/readyz", async (Readiness readiness, CancellationToken ct) =>
        {
            var (ready, reason) = await readiness.CheckAsync(ct);
            return Results.Json(new { ready, reason }, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }

    /// <summary>The report for the declared services; also what the <c>dso_service_health</c> gauge publishes at each scrape.</summary>
    public static IReadOnlyList<ServiceHealth> Report(LoopRegistry loops, ServiceHealthTracker tracker)
    {
        var services = loops.Current.Services;
        tracker.Retain(services.Select(s => s.Name).ToHashSet(StringComparer.Ordinal));
        return tracker.Report(services.Select(s => (s.Name, s.Tick)));
    }

    private static string Overall(IReadOnlyList<ServiceHealth> report) =>
        (report.Count == 0 ? HealthState.Ok : report.Max(h => h.State)).ToString().ToLowerInvariant();
}
