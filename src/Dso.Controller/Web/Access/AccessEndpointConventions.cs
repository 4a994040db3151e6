namespace Dso.Controller.Web.Access;

/// <summary>
/// <c>.RequireAnalyst()</c> on anything that reads, <c>.RequireOperator()</c> on anything that acts: no key gives
/// 401, a key with too little role 403, and a session-borne write without its antiforgery token 400.
/// </summary>
public static class AccessEndpointConventions
{
    public static TBuilder RequireAnalyst<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AccessSchemes.AnalystPolicy);

    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.RequireAuthorization(AccessSchemes.OperatorPolicy);
        builder.AddEndpointFilter(new CsrfEndpointFilter());
        return builder;
    }
}
