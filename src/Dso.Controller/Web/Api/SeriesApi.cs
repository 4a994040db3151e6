using Dso.Controller.Hosting;
using Dso.Controller.Web.Access;
using Dso.Controller.Web.Timing;
using Dso.DecisionLog;

namespace Dso.Controller.Web.Api;

/// <summary>
/// <c>GET /api/v1/services/{service}/series</c>: demand, latency, forecast band, ready and billed capacity, fleet by
/// offering, cost per hour (own and reactive) and money per bucket, with change/held/anomaly markers, downsampled
/// on the server. Default range: the week up to the service's latest decision. <c>Server-Timing</c>: db, json, total.
/// </summary>
internal static class SeriesApi
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/services/{service}/series", HandleAsync).RequireAnalyst().WithServerTiming()
            .WithName("GetServiceSeries").WithSummary("A service's time series at a resolution (auto or e.g. 5m, 1h), with markers");

    private static async Task<IResult> HandleAsync(
        string service, string? from, string? to, string? resolution, HttpContext http, IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct)
    {
        var p = new ApiParameters(http.Request.Query, ["from", "to", "resolution"]);
        var f = p.Time("from");
        var t = p.Time("to");
        var step = p.Duration("resolution", TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        if (!p.IsValid)
        {
            return p.BadRequest();
        }

        var policy = ServiceDirectory.Policy(loops, service);
        var last = await ServerTiming.For(http).Db(() => store.LastAsync(service, ct));
        if (policy is null && last is null)
        {
            return Results.Json(new { error = $"service '{service}' is neither in the policy nor in the decision log" }, statusCode: StatusCodes.Status404NotFound);
        }

        var end = t ?? (last is null ? clock.Time.GetUtcNow() : last.Decision.Timestamp.AddMinutes(1));
        var start = f ?? end.AddDays(-7);
        p.Check(start < end, "to", "must be after 'from'");
        p.Check(end - start <= SeriesResolution.MaxRange, "from", $"the range may span at most {SeriesResolution.MaxRange.TotalDays:0} days");
        var width = step ?? SeriesResolution.Auto(end - start);
        p.Check((end - start) / width <= SeriesResolution.MaxBuckets, "resolution", $"would give more than {SeriesResolution.MaxBuckets} points over this range; choose a coarser one or 'auto'");
        if (!p.IsValid)
        {
            return p.BadRequest();
        }

        var series = await ServerTiming.For(http).Db(() => store.SeriesAsync(service, start, end, width, ct));
        return Results.Json(new
        {
            service,
            team = policy?.Team,
            sloLatencyP95Ms = policy?.Slo.LatencyP95Ms,
            from = series.From,
            to = series.To,
            resolutionSeconds = (long)width.TotalSeconds,
            buckets = series.Buckets,
            markers = series.Markers,
            markersTruncated = series.Markers.Count >= DecisionLog.Queries.ServiceSeries.MaxMarkers,
        }, DecisionJson.Options);
    }
}
