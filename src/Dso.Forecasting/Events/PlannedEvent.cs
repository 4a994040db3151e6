namespace Dso.Forecasting;

/// <summary>
/// A planned campaign, launch or holiday: demand in [<paramref name="Start"/>, <paramref name="End"/>) is expected to be
/// <paramref name="Multiplier"/> times what it would otherwise be.
/// </summary>
public sealed record PlannedEvent(string Name, DateTimeOffset Start, DateTimeOffset End, double Multiplier, string Kind = "event")
{
    public bool IsActiveAt(DateTimeOffset timestamp) => timestamp >= Start && timestamp < End;
}
