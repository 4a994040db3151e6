namespace Dso.Abstractions.Decisions;

/// <summary>The part of a forecast a decision used: the demand it planned to cover and at which quantile.</summary>
public sealed record ForecastSummary(string Model, int HorizonSteps, double P50Peak, double P90Peak, double CoveredLevel, double CoveredDemand, string DemandClass);
