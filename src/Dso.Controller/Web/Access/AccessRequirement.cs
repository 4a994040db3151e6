using Microsoft.AspNetCore.Authorization;

namespace Dso.Controller.Web.Access;

/// <summary>The least role an endpoint needs.</summary>
internal sealed record AccessRequirement(AccessRole Minimum) : IAuthorizationRequirement;
