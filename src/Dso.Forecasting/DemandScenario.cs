namespace Dso.Forecasting;

/// <summary>What kind of demand a coming period is expected to bring, relative to the series' own recent history.</summary>
public enum DemandScenario
{
    Low,
    Normal,
    Peak,
}
