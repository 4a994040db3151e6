namespace Dso.Abstractions.Decisions;

/// <summary>Spend accrued over [<paramref name="From"/>, <paramref name="To"/>] at <paramref name="HourlyUsd"/> (billed fleet plus serverless).</summary>
public sealed record SpendEntry(string Service, DateTimeOffset From, DateTimeOffset To, decimal Usd, decimal HourlyUsd);

/// <summary>A sum of spend entries and the newest entry of the service (null when it has none).</summary>
public sealed record SpendTotal(decimal Usd, SpendEntry? Last);
