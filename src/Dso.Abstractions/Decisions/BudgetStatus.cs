namespace Dso.Abstractions.Decisions;

/// <summary>Month-to-date spend, the projection to month end, and whether the budget constrained the choice.</summary>
public sealed record BudgetStatus(decimal MonthlyUsd, decimal MonthToDateUsd, decimal ProjectedUsd, string Enforcement, bool Constrained);
