namespace Dso.Integration.Tests.Infrastructure;

/// <summary>A test against a real PostgreSQL it starts itself. Skipped, saying why, only where PostgreSQL is missing and CI is not 'true'.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresCluster.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
