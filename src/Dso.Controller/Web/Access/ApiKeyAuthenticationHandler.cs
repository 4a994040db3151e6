using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Web.Access;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key</c> against the configured key hashes.
/// Challenges answer 401 (pages: a redirect to the login form); forbidden answers 403 naming the role needed.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccessKeyStore keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string Bearer = "Bearer ";

    public static bool HasKeyHeader(HttpRequest request) =>
        request.Headers.ContainsKey(AccessSchemes.ApiKeyHeader)
        || request.Headers.Authorization.ToString().StartsWith(Bearer, StringComparison.OrdinalIgnoreCase);

    public static ClaimsPrincipal Principal(string id, AccessRole role, string scheme, string? keyHash = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, id), new(ClaimTypes.Role, role.ToString().ToLowerInvariant()) };
        if (keyHash is not null)
        {
            claims.Add(new Claim(AccessSchemes.KeyHashClaim, keyHash));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.GetEndpoint()?.Metadata.GetMetadata<OwnBearerTokens>() is not null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presented = Request.Headers.TryGetValue(AccessSchemes.ApiKeyHeader, out var header) ? header.ToString()
            : Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? auth[Bearer.Length..].Trim()
            : null;
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(keys.Find(presented) is { } key
            ? AuthenticateResult.Success(new AuthenticationTicket(Principal(key.Id, key.Role, Scheme.Name), Scheme.Name))
            : AuthenticateResult.Fail("the API key is not one of the configured keys"));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (IsPageRequest(Request))
        {
            Response.Redirect($"{LoginEndpoints.Path}?returnUrl={Uri.EscapeDataString(Request.PathBase + Request.Path + Request.QueryString)}");
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Response.WriteAsJsonAsync(new { error = "an API key is required: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'" });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var who = Context.User.Identity?.Name ?? "this key";
        await Response.WriteAsJsonAsync(new { error = $"key '{who}' is not allowed to do this: it needs the operator role" });
    }

    /// <summary>A browser navigating to a page (not the API) is sent to the login form rather than shown a 401.</summary>
    private static bool IsPageRequest(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && !request.Path.StartsWithSegments("/api")
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
}
