namespace Dso.Abstractions.Decisions;

/// <summary>
/// A service's spend in a period (see <see cref="ISpendLog.SpendSinceAsync"/>) and the entry its ledger continues
/// from (null when there is none).
/// </summary>
public sealed record SpendTotal(decimal Usd, SpendEntry? Last)
{
    /// <summary>
    /// Of <see cref="Usd"/>, what was recorded under other service names on the same scale target (a rename, or the
    /// group moved from another service), by name; empty when all of it is the service's own.
    /// </summary>
    public IReadOnlyDictionary<string, decimal> CarriedOver { get; init; } = new Dictionary<string, decimal>(StringComparer.Ordinal);
}
