namespace Dso.Abstractions.Decisions;

/// <summary>
/// Durable spend beside the decision log, so a restarted service knows its month-to-date spend and enforces a
/// hard budget from its first tick. Append-only like the log: one entry per tick with the spend accrued since
/// the previous one, naming the service and the scale target it billed.
/// </summary>
public interface ISpendLog
{
    Task RecordSpendAsync(SpendEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// The service's spend in entries ending at or after <paramref name="since"/>, plus the spend of other service names
    /// on <paramref name="target"/> over the same period where the service's own entries do not cover it: the budget
    /// belongs to the billed group, and renaming the service in its policy must not start it again at zero. The sum is
    /// <see cref="SpendTotals.Sum"/>'s, so every store counts an interval once.
    /// </summary>
    /// <param name="target">The service's scale target now (<see cref="Cloud.ProviderBinding.Target"/>); null counts its own entries only.</param>
    Task<SpendTotal> SpendSinceAsync(string service, string? target, DateTimeOffset since, CancellationToken cancellationToken);
}
