namespace Dso.Abstractions.Decisions;

/// <summary>
/// Durable spend beside the decision log, so a restarted service knows its month-to-date spend and enforces a
/// hard budget from its first tick. Append-only like the log: one entry per tick with the spend accrued since
/// the previous one.
/// </summary>
public interface ISpendLog
{
    Task RecordSpendAsync(SpendEntry entry, CancellationToken cancellationToken);

    /// <summary>The service's spend in entries ending at or after <paramref name="since"/>, and its newest entry ever.</summary>
    Task<SpendTotal> SpendSinceAsync(string service, DateTimeOffset since, CancellationToken cancellationToken);
}
