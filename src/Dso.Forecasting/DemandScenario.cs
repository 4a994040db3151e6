namespace Dso.Forecasting;

/// <summary>What kind of demand a coming period is expected to bring, relative to the series' own recent history.</summary>
public enum DemandScenario
{
    Low,
    Normal,
    Peak,
}

/// <summary>A run of consecutive forecast steps with the same scenario: [Start, End).</summary>
public sealed record DemandPeriod(DateTimeOffset Start, DateTimeOffset End, DemandScenario Scenario, double MaxP50, double MaxP90);
