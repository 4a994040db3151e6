using Dso.Abstractions.Approvals;
using Dso.Abstractions.Decisions;
using Dso.DecisionLog.Queries;

namespace Dso.DecisionLog;

/// <summary>
/// The decision log as analysts read it: filtered and paged decisions, server-side downsampled series, costs by
/// day, events, the approval queue, and retention. Implemented over SQLite (one file, one replica) and PostgreSQL (several replicas).
/// </summary>
public interface IDecisionStore : IDecisionLog, ISpendLog, IApprovalQueue, IPlannerStateStore, IIncidentStore
{
    Task<DecisionPage> QueryAsync(DecisionQuery query, CancellationToken cancellationToken);

    Task<DecisionRecord?> FindAsync(string id, CancellationToken cancellationToken);

    Task<ServiceSeries> SeriesAsync(string service, DateTimeOffset from, DateTimeOffset to, TimeSpan resolution, CancellationToken cancellationToken);

    Task<IReadOnlyList<ServiceTotals>> TotalsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>The spend ledger per service and UTC day (of each entry's end) for entries ending in [from, to): what showback and the budget read.</summary>
    Task<IReadOnlyList<SpendDay>> SpendByDayAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    Task<IReadOnlyList<LoggedEvent>> EventsAsync(string? service, string? kind, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes decisions (with their outcomes) and events older than the cut-offs.</summary>
    Task<RetentionResult> PurgeAsync(DateTimeOffset decisionsBefore, DateTimeOffset eventsBefore, CancellationToken cancellationToken);
}
