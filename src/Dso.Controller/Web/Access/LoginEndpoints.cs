using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace Dso.Controller.Web.Access;

/// <summary>
/// <c>GET /login</c>: a form for an API key; <c>POST /login</c> checks it and opens a browser session (an HttpOnly,
/// SameSite=Strict cookie holding the key's id and role, never the key); <c>POST /logout</c> ends it.
/// Both posts carry the antiforgery token, so another site cannot log a browser in or out.
/// </summary>
internal static class LoginEndpoints
{
    public const string Path = "/login";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
            Page(http, antiforgery, returnUrl, null, StatusCodes.Status200OK)).ExcludeFromDescription();
        app.MapPost(Path, LoginAsync).ExcludeFromDescription();
        app.MapPost("/logout", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.BadRequest(new { error = "logout needs the page's antiforgery token" });
            }

            await http.SignOutAsync(AccessSchemes.Session);
            return Results.Redirect(Path);
        }).ExcludeFromDescription();
    }

    private static async Task<IResult> LoginAsync(HttpContext http, IAntiforgery antiforgery, AccessKeyStore keys, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(LoginEndpoints));
        if (!http.Request.HasFormContentType)
        {
            return Results.BadRequest(new { error = "post the login form (application/x-www-form-urlencoded with 'key')" });
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = form["returnUrl"].ToString();
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Page(http, antiforgery, returnUrl, "The form expired; please try again.", StatusCodes.Status400BadRequest);
        }

        var key = form["key"].ToString().Trim();
        if (keys.Find(key) is not { } found)
        {
            AccessLog.LoginRefused(logger, http.Connection.RemoteIpAddress?.ToString());
            return Page(http, antiforgery, returnUrl, "That key is not one of the configured keys.", StatusCodes.Status401Unauthorized);
        }

        var principal = ApiKeyAuthenticationHandler.Principal(found.Id, found.Role, AccessSchemes.Session, AccessKeyStore.Hash(key));
        await http.SignInAsync(AccessSchemes.Session, principal);
        AccessLog.SessionOpened(logger, found.Id, found.Role.ToString().ToLowerInvariant(), http.Connection.RemoteIpAddress?.ToString());
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl : "/");
    }

    /// <summary>Only same-site paths: an open redirect would turn the login form into a phishing aid.</summary>
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    private static IResult Page(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var html = $$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>DsoController: sign in</title>
            <style>body{font-family:system-ui,sans-serif;margin:3rem auto;max-width:26rem;color:#1a1a1a}
            input{font:inherit;padding:.4rem;width:100%;box-sizing:border-box;margin:.4rem 0}
            button{font:inherit;padding:.4rem 1rem}.err{color:#b00020}</style></head><body>
            <h1>Sign in</h1>
            <p>Paste an analyst or operator API key. The browser keeps a session cookie; the key itself is not stored.</p>
            {{(error is null ? "" : $"<p class=\"err\" id=\"login-error\">{WebUtility.HtmlEncode(error)}</p>")}}
            <form method="post" action="{{Path}}">
            <input type="hidden" name="{{AccessSchemes.CsrfField}}" value="{{WebUtility.HtmlEncode(tokens.RequestToken)}}">
            <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(IsLocal(returnUrl) ? returnUrl : "/")}}">
            <label>API key <input type="password" name="key" id="key" autocomplete="off" autofocus></label>
            <button type="submit">Sign in</button>
            </form></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
