namespace Dso.DecisionLog.Queries;

/// <summary>A service's totals over a range, for the overview: spend, counterfactual, held ticks, anomalies.</summary>
public sealed record ServiceTotals(string Service, double SpentUsd, double ReactiveUsd, int Decisions, int Held, int Anomalies, int Changes, double? LatencyP95Ms);
