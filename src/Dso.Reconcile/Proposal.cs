using Dso.Abstractions.Decisions;
using Dso.Optimization;

namespace Dso.Reconcile;

/// <summary>
/// A plan before the guard, with what it was made from: deciding and holding both produce one, and the guard
/// turns every proposal into the decision that is logged and applied (there is no other way to the cloud).
/// </summary>
internal sealed record Proposal(ScalingPlan Plan, PlanningContext Context, IReadOnlyDictionary<string, double> Kpis, bool Held)
{
    public IReadOnlyList<AnomalyEvent> Anomalies { get; init; } = [];

    public ForecastSummary? Forecast { get; init; }

    /// <summary>The experiment variant that made the plan (or was in force while holding); null outside experiments.</summary>
    public Experiments.VariantArm? Arm { get; init; }

    /// <summary>Set when the plan is an operator-approved change (mode approve) rather than this tick's own.</summary>
    public DecisionApproval? Approval { get; init; }
}
