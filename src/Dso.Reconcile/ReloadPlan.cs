using Dso.Optimization;

namespace Dso.Reconcile;

/// <summary>What a service loop keeps across one policy edit (see <see cref="ReloadCarryOver"/>).</summary>
/// <param name="KeepPlanner">The service's policy did not change: the planner object stays as it is.</param>
/// <param name="Carry">Otherwise, what the rebuilt planner takes over from the old one; null: it starts afresh.</param>
/// <param name="KeepDetectors">The anomaly detectors keep their state.</param>
/// <param name="KeepForecaster">The request-rate forecaster keeps its state.</param>
/// <param name="Summary">The rules applied, in words, for the log.</param>
public sealed record ReloadPlan(bool KeepPlanner, PlannerCarryOver? Carry, bool KeepDetectors, bool KeepForecaster, string Summary);
