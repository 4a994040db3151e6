namespace Dso.Reconcile.Simulation;

public sealed record SimulationResult(IReadOnlyList<SimulationRow> Rows, SimulationSummary Summary);
