using Dso.DecisionLog;
using Microsoft.AspNetCore.Diagnostics;

namespace Dso.Controller.Web;

/// <summary>
/// What a request that fails unexpectedly answers. Without this, a store failure (a damaged page of decisions.db met
/// by <c>/api/v1/budget</c>) was a bare 500 with an empty body: nothing told the caller that storage, not the request,
/// was at fault. A decision log failure is a 503 naming the store and what to do; anything else a 500 with the
/// request's trace id to find it in the service log. Never a stack trace (the log has it: the middleware logs it).
/// </summary>
internal static class ErrorResponses
{
    public static void Use(WebApplication app) => app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteAsync });

    private static Task WriteAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var trace = context.TraceIdentifier;
        var (status, body) = error is DecisionLogException storage
            ? (StatusCodes.Status503ServiceUnavailable, new ErrorBody(storage.Damaged ? "decision log damaged" : "decision log unavailable", storage.Message, trace))
            : (StatusCodes.Status500InternalServerError, new ErrorBody("internal error", $"{error?.GetType().Name ?? "unknown"}: see the service log for request {trace}", trace));
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Request.Path.StartsWithSegments("/api")
            ? context.Response.WriteAsJsonAsync(body)
            : context.Response.WriteAsync($"{body.Error}: {body.Detail}\n");
    }

    private sealed record ErrorBody(string Error, string Detail, string TraceId);
}
