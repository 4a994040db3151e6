namespace Dso.Optimization;

/// <summary>
/// How a strategy paces a hard budget instead of spending at a flat rate: it holds a fleet for at most
/// <see cref="HoldHours"/> before it can change it again, and reserves <see cref="ReserveHourlyUsd"/> per hour for
/// the rest of the period. Month-to-date + hold × hourly + reserve × remaining hours must stay within the budget;
/// the guard raises the reserve to the min_instances floor, so the fleet can always fall back within budget.
/// </summary>
public sealed record BudgetPace(decimal HoldHours, decimal ReserveHourlyUsd);
