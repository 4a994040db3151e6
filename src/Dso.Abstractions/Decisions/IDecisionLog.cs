namespace Dso.Abstractions.Decisions;

/// <summary>
/// Append-only record of decisions and their outcomes. A decision is appended before it is applied; its
/// outcome after. A decision without an outcome after a crash is the one to re-apply (idempotently).
/// </summary>
public interface IDecisionLog
{
    Task AppendAsync(ScalingDecision decision, CancellationToken cancellationToken);

    Task RecordOutcomeAsync(DecisionOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Records an event that is not a decision (an anomaly alert, a rejected policy edit, a source outage).</summary>
    Task AppendEventAsync(string service, DateTimeOffset at, string kind, string message, CancellationToken cancellationToken);

    /// <summary>The most recent decisions, newest first, optionally for one service.</summary>
    Task<IReadOnlyList<DecisionRecord>> RecentAsync(string? service, int limit, CancellationToken cancellationToken);

    /// <summary>The newest decision of a service, with its outcome if it has one.</summary>
    Task<DecisionRecord?> LastAsync(string service, CancellationToken cancellationToken);
}
