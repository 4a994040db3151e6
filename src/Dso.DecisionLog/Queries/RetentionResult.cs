namespace Dso.DecisionLog.Queries;

/// <summary>What a retention pass removed.</summary>
public sealed record RetentionResult(int Decisions, int Outcomes, int Events);
