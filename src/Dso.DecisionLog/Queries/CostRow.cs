namespace Dso.DecisionLog.Queries;

/// <summary>What one service spent in one UTC day, and what the reactive counterfactual would have spent.</summary>
public sealed record CostRow(string Service, DateOnly Day, double SpentUsd, double ReactiveUsd, int Decisions);
