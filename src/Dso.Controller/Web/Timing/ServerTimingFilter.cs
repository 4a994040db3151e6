using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Web.Timing;

/// <summary>
/// Starts the request's <see cref="ServerTiming"/>; after the handler, serializes a JSON answer itself (timed as
/// <c>json</c>), because the header must precede the body and so cannot report time spent writing it.
/// </summary>
internal sealed class ServerTimingFilter : IEndpointFilter
{
    public const string Header = "Server-Timing";

    private static readonly ConcurrentDictionary<Type, PropertyInfo?> OptionsProperty = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var timing = ServerTiming.Start(http);
        var result = await next(context);
        if (result is IValueHttpResult { Value: { } value } && result.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(JsonHttpResult<>))
        {
            var options = OptionsProperty.GetOrAdd(type, t => t.GetProperty(nameof(JsonHttpResult<object>.JsonSerializerOptions)))?.GetValue(result) as JsonSerializerOptions
                ?? http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            var bytes = timing.Measure("json", () => JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), options));
            http.Response.Headers[Header] = timing.Header();
            return new JsonBytes(bytes, (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK);
        }

        http.Response.Headers[Header] = timing.Header();
        return result;
    }

    private sealed class JsonBytes(byte[] bytes, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            httpContext.Response.ContentLength = bytes.Length;
            return httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted).AsTask();
        }
    }
}
