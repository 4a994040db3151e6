namespace Dso.Controller.Web.Timing;

/// <summary><c>.WithServerTiming()</c> on the heavy reads: the answer carries <c>Server-Timing</c> (db, json or csv, total).</summary>
internal static class ServerTimingConventions
{
    public static TBuilder WithServerTiming<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(new ServerTimingFilter());
        return builder;
    }
}
