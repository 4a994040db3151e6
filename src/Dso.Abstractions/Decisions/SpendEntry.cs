namespace Dso.Abstractions.Decisions;

/// <summary>
/// Spend accrued over [<paramref name="From"/>, <paramref name="To"/>] at <paramref name="HourlyUsd"/> (billed fleet plus
/// serverless), and what the reactive counterfactual (the previous decision's <c>reactive</c> alternative) would have
/// cost over the same interval; null where there was none to compare with (showback then counts it as spent).
/// </summary>
public sealed record SpendEntry(string Service, DateTimeOffset From, DateTimeOffset To, decimal Usd, decimal HourlyUsd, decimal? ReactiveUsd = null)
{
    /// <summary>
    /// The scale target billed (<see cref="Cloud.ProviderBinding.Target"/>: provider and scale group). A service renamed in
    /// its policy keeps billing the same target, so the budget finds the old name's spend through it; null on entries
    /// written before targets were recorded.
    /// </summary>
    public string? Target { get; init; }
}
