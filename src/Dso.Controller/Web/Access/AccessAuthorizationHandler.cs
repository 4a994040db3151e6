using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Dso.Controller.Web.Access;

/// <summary>
/// Grants a requirement to a principal whose role is at least the one needed; and grants reads to anonymous
/// requests from a loopback address while no key is configured at all (see <see cref="AccessOptions.AnonymousLoopbackReads"/>).
/// Never grants an operator action without an operator key.
/// </summary>
internal sealed class AccessAuthorizationHandler(AccessKeyStore keys) : AuthorizationHandler<AccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AccessRequirement requirement)
    {
        var role = RoleOf(context.User);
        if (role >= requirement.Minimum)
        {
            context.Succeed(requirement);
        }
        else if (role is null && requirement.Minimum == AccessRole.Analyst && !keys.HasKeys && keys.AnonymousLoopbackReads
            && context.Resource is HttpContext http && IsLoopback(http.Connection.RemoteIpAddress))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    public static AccessRole? RoleOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && AccessKeyStore.TryParseRole(user.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);
}
