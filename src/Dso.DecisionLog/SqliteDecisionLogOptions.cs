namespace Dso.DecisionLog;

/// <summary>Where the log lives and how writes are grouped.</summary>
public sealed record SqliteDecisionLogOptions(string Path, int BatchSize = 1);
