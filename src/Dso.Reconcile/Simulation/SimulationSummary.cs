namespace Dso.Reconcile.Simulation;

/// <summary>Headline figures of a run, computed with the evaluator's semantics.</summary>
public sealed record SimulationSummary(
    string Scenario,
    int Rows,
    double DurationHours,
    decimal CostUsd,
    decimal BudgetUsd,
    double UnderProvisionedTimePct,
    double UnservedRequestPct,
    int ScalingActions,
    TimeSpan Elapsed);
