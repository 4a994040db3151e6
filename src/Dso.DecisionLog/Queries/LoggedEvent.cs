namespace Dso.DecisionLog.Queries;

/// <summary>An event that is not a decision (anomaly alert, policy load or rejection, source outage).</summary>
public sealed record LoggedEvent(long Sequence, string Service, DateTimeOffset At, string Kind, string Message);
