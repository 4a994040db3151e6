using Microsoft.AspNetCore.Antiforgery;

namespace Dso.Controller.Web.Access;

/// <summary>
/// A write that rides on the browser session must carry the antiforgery token (header <c>X-CSRF-Token</c> or the
/// form field), because the browser would attach the cookie to a forged cross-site request too. A write
/// authenticated by a key header needs none: no browser adds that header on its own.
/// </summary>
internal sealed class CsrfEndpointFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
            && http.User.Identity?.AuthenticationType == AccessSchemes.Session)
        {
            try
            {
                await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
            }
            catch (AntiforgeryValidationException)
            {
                return Results.Json(new { error = $"this write came with the browser session but without a valid antiforgery token ({AccessSchemes.CsrfHeader} header or {AccessSchemes.CsrfField} field); reload the page and try again" }, statusCode: StatusCodes.Status400BadRequest);
            }
        }

        return await next(context);
    }}
