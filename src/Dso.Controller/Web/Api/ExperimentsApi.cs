using Dso.Controller.Experiments;
using Dso.Controller.Experiments.Views;
using Dso.Controller.Hosting;
using Dso.Controller.Web.Access;

namespace Dso.Controller.Web.Api;

/// <summary>
/// <c>GET /api/v1/experiments</c> and <c>GET /api/v1/experiments/{name}</c> (state, blocks, per-variant results,
/// estimates with intervals, guardrails, recommendation), and the operator's <c>POST .../stop</c> and
/// <c>POST .../promote</c>. Every read names bad parameters in a 400; an unknown experiment is a 404.
/// </summary>
internal static class ExperimentsApi
{
    private static readonly string[] StateNames =
        [ExperimentStates.Scheduled, ExperimentStates.Running, ExperimentStates.Ended, ExperimentStates.Stopped, ExperimentStates.Promoted];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/experiments", List).RequireAnalyst()
            .WithName("ListExperiments").WithSummary("Experiments of the policy set in force, with state, current variant and recommendation; filters service and state")
            .Produces<ExperimentList>();
        app.MapGet("/api/v1/experiments/{name}", Get).RequireAnalyst()
            .WithName("GetExperiment").WithSummary("One experiment: blocks, per-variant results, estimates with intervals on a metric (default: its primary), guardrails, recommendation")
            .Produces<ExperimentDetail>().Produces(StatusCodes.Status404NotFound);
        app.MapPost("/api/v1/experiments/{name}/stop", Stop).RequireOperator()
            .WithName("StopExperiment").WithSummary("Operator: stop the experiment now; its services go back to their own policy")
            .Produces<ExperimentSummary>().Produces(StatusCodes.Status404NotFound).Produces(StatusCodes.Status409Conflict);
        app.MapPost("/api/v1/experiments/{name}/promote", PromoteAsync).RequireOperator()
            .WithName("PromoteExperiment").WithSummary("Operator: promote a variant (default: the recommended winner); its services run it through a policy reload")
            .Produces<ExperimentSummary>().Produces(StatusCodes.Status404NotFound).Produces(StatusCodes.Status409Conflict);

        // The paths issue 14 names, kept beside the versioned ones (same answers; described once, under /api/v1).
        app.MapGet("/api/experiments", List).RequireAnalyst().ExcludeFromDescription();
        app.MapGet("/api/experiments/{name}", Get).RequireAnalyst().ExcludeFromDescription();
    }

    private static IResult List(string? service, string? state, HttpContext http, ExperimentHost host, ServiceClock clock)
    {
        var p = new ApiParameters(http.Request.Query, ["service", "state"]);
        var s = p.Text("service");
        var st = p.OneOf("state", StateNames);
        if (!p.IsValid)
        {
            return p.BadRequest();
        }

        var now = clock.Time.GetUtcNow();
        var items = host.Runs.Select(r => r.Summary(now))
            .Where(x => (s is null || x.Services.Contains(s)) && (st is null || x.State == st))
            .OrderBy(x => x.Name, StringComparer.Ordinal).ToList();
        return Results.Json(new ExperimentList(items, now));
    }

    private static IResult Get(string name, string? metric, HttpContext http, ExperimentHost host, ServiceClock clock)
    {
        var p = new ApiParameters(http.Request.Query, ["metric"]);
        var m = p.OneOf("metric", [.. ExperimentMetricNames.Names.Values]);
        if (!p.IsValid)
        {
            return p.BadRequest();
        }

        return host.TryGet(name, out var run)
            ? Results.Json(run.Detail(clock.Time.GetUtcNow(), m is null ? null : ExperimentMetricNames.Parse(m)))
            : NotFound(name, host);
    }

    private static IResult Stop(string name, HttpContext http, ExperimentHost host, ServiceClock clock)
    {
        var p = new ApiParameters(http.Request.Query, []);
        if (!p.IsValid)
        {
            return p.BadRequest();
        }

        if (!host.TryGet(name, out var run))
        {
            return NotFound(name, host);
        }

        try
        {
            host.Stop(run, $"operator '{http.User.Identity?.Name ?? "?"}'");
        }
        // A storage failure is no conflict: it reaches ErrorResponses' 503.
        catch (InvalidOperationException ex) when (ex is not Dso.DecisionLog.DecisionLogException)
        {
            return Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status409Conflict);
        }

        return Results.Json(run.Summary(clock.Time.GetUtcNow()));
    }

    private static async Task<IResult> PromoteAsync(string name, string? variant, HttpContext http, ExperimentHost host, PolicyReloader reloader, ServiceClock clock, CancellationToken ct)
    {
        var p = new ApiParameters(http.Request.Query, ["variant"]);
        var v = p.Text("variant");
        if (host.TryGet(name, out var run) && v is not null)
        {
            p.Check(run.Policy.VariantNames.Contains(v, StringComparer.Ordinal), "variant", $"experiment '{name}' has no variant '{v}' (variants: {string.Join(", ", run.Policy.VariantNames)})");
        }

        if (!p.IsValid)
        {
            return p.BadRequest();
        }

        if (run is null)
        {
            return NotFound(name, host);
        }

        try
        {
            host.Promote(run, v, $"operator '{http.User.Identity?.Name ?? "?"}'");
        }
        // A storage failure is no conflict: it reaches ErrorResponses' 503.
        catch (InvalidOperationException ex) when (ex is not Dso.DecisionLog.DecisionLogException)
        {
            return Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status409Conflict);
        }

        // The same path as a hot reload: the policy set is applied again with the winner laid over its services.
        await reloader.ReloadIfChangedAsync(ct);
        return Results.Json(run.Summary(clock.Time.GetUtcNow()));
    }

    private static IResult NotFound(string name, ExperimentHost host) =>
        Results.Json(new { error = $"no experiment '{name}' in the policy set in force (known: {string.Join(", ", host.Runs.Select(r => r.Policy.Name).Order(StringComparer.Ordinal))})" },
            statusCode: StatusCodes.Status404NotFound);
}

/// <summary>The list answer: experiments and the service time they were judged at.</summary>
public sealed record ExperimentList(IReadOnlyList<ExperimentSummary> Experiments, DateTimeOffset Now);
