namespace Dso.DecisionLog;

/// <summary>Where the shared log lives (an Npgsql connection string; credentials from the environment, never a committed file).</summary>
public sealed record PostgresDecisionLogOptions(string ConnectionString);
