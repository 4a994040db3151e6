using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Web.Access;

/// <summary>Registers keys, the key and session schemes, the analyst and operator policies, and antiforgery.</summary>
internal static class AccessServiceCollectionExtensions
{
    public static IServiceCollection AddDsoAccess(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.AddSingleton<AccessKeyStore>();
        services.AddSingleton<IAuthorizationHandler, AccessAuthorizationHandler>();
        services.AddHostedService<AccessStartupCheck>();

        // Sessions and antiforgery tokens survive a restart: the keys that sign them live with the service's data.
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "protection-keys"))).SetApplicationName("dso");
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AccessSchemes.CsrfHeader;
            o.FormFieldName = AccessSchemes.CsrfField;
            o.Cookie.Name = "dso_csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
        });

        services.AddAuthentication(AccessSchemes.Default)
            .AddPolicyScheme(AccessSchemes.Default, "key header or browser session", o =>
            {
                o.ForwardDefaultSelector = http => ApiKeyAuthenticationHandler.HasKeyHeader(http.Request) ? AccessSchemes.ApiKey : AccessSchemes.Session;
                o.ForwardChallenge = AccessSchemes.ApiKey;
                o.ForwardForbid = AccessSchemes.ApiKey;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AccessSchemes.ApiKey, null)
            .AddCookie(AccessSchemes.Session, o =>
            {
                o.Cookie.Name = "dso_session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.LoginPath = LoginEndpoints.Path;
                o.Events.OnValidatePrincipal = ValidateSessionAsync;
            });
        services.AddOptions<CookieAuthenticationOptions>(AccessSchemes.Session)
            .Configure<IOptions<AccessOptions>>((cookie, access) => cookie.ExpireTimeSpan = access.Value.SessionLifetime);
        services.AddAuthorizationBuilder()
            .AddPolicy(AccessSchemes.AnalystPolicy, p => p.AddRequirements(new AccessRequirement(AccessRole.Analyst)))
            .AddPolicy(AccessSchemes.OperatorPolicy, p => p.AddRequirements(new AccessRequirement(AccessRole.Operator)));
        return services;
    }

    /// <summary>A session lasts only while its key is still configured with the same hash and role.</summary>
    private static Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var access = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<AccessOptions>>().CurrentValue;
        var id = context.Principal?.Identity?.Name;
        var hash = context.Principal?.FindFirst(AccessSchemes.KeyHashClaim)?.Value;
        var role = context.Principal is { } p ? AccessAuthorizationHandler.RoleOf(p) : null;
        if (id is null || !access.Keys.TryGetValue(id, out var key)
            || !string.Equals(key.Sha256, hash, StringComparison.OrdinalIgnoreCase)
            || !AccessKeyStore.TryParseRole(key.Role, out var configured) || configured != role)
        {
            context.RejectPrincipal();
        }

        return Task.CompletedTask;
    }
}
