namespace Dso.Abstractions.Decisions;

/// <summary>A logged decision with its outcome, if the outcome was recorded.</summary>
public sealed record DecisionRecord(long Sequence, ScalingDecision Decision, DecisionOutcome? Outcome);
