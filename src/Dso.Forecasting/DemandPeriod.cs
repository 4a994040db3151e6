namespace Dso.Forecasting;

/// <summary>A run of consecutive forecast steps with the same scenario: [Start, End).</summary>
public sealed record DemandPeriod(DateTimeOffset Start, DateTimeOffset End, DemandScenario Scenario, double MaxP50, double MaxP90);
