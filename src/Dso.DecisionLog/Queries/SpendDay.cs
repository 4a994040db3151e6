namespace Dso.DecisionLog.Queries;

/// <summary>
/// What one service was billed in one UTC day according to the spend ledger (the budget's source), what the reactive
/// counterfactual would have cost over the same intervals, and how many ledger entries (ticks) that covered.
/// </summary>
public sealed record SpendDay(string Service, DateOnly Day, decimal SpentUsd, decimal ReactiveUsd, int Entries);
