namespace Dso.Abstractions.Decisions;

/// <summary>
/// Spend accrued over [<paramref name="From"/>, <paramref name="To"/>] at <paramref name="HourlyUsd"/> (billed fleet plus
/// serverless), and what the reactive counterfactual (the previous decision's <c>reactive</c> alternative) would have
/// cost over the same interval; null where there was none to compare with (showback then counts it as spent).
/// </summary>
public sealed record SpendEntry(string Service, DateTimeOffset From, DateTimeOffset To, decimal Usd, decimal HourlyUsd, decimal? ReactiveUsd = null);

/// <summary>A sum of spend entries and the newest entry of the service (null when it has none).</summary>
public sealed record SpendTotal(decimal Usd, SpendEntry? Last);
