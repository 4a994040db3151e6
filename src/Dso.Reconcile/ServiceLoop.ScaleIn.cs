using Dso.Abstractions.Catalog;
using Dso.Optimization;

namespace Dso.Reconcile;

/// <summary>
/// Less churn: a scale-in is applied only when two consecutive plans ask for it, and then to the larger of the two
/// fleets, so a dip of one tick does not stop instances that the next tick launches again (paying the billing
/// minimum and the boot gap for nothing). Scale-outs are never delayed, and the guard still trims for the budget.
/// </summary>
public sealed partial class ServiceLoop
{
    private Fleet? _pendingScaleIn;

    private ScalingPlan ConfirmScaleIn(ScalingPlan plan, Fleet current)
    {
        // Capacity, not instance count: a swap to fewer, larger (or spot) instances is consolidation, not a scale-in.
        var catalog = Policy.Catalog;
        if (catalog.Capacity(plan.Target) >= catalog.Capacity(current))
        {
            _pendingScaleIn = null;
            return plan;
        }

        if (_pendingScaleIn is not { } previous || catalog.Capacity(previous) >= catalog.Capacity(current))
        {
            _pendingScaleIn = plan.Target;
            return plan with { Target = current, Reason = $"{plan.Reason}; scale-in to {plan.Target} deferred: applied if the next plan also scales in" };
        }

        _pendingScaleIn = null;
        var confirmed = catalog.Capacity(previous) > catalog.Capacity(plan.Target) ? previous : plan.Target;
        return plan with { Target = confirmed, Reason = $"{plan.Reason}; scale-in confirmed by two plans in a row (to {confirmed})" };
    }
}
