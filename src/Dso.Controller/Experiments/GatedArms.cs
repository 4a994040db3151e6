using Dso.Optimization;
using Dso.Reconcile.Experiments;

namespace Dso.Controller.Experiments;

/// <summary>A service's arms that fall silent the moment their run is no longer active (stopped, ended, promoted), without waiting for a reload.</summary>
internal sealed class GatedArms(ExperimentRun run, IVariantArms inner) : IVariantArms
{
    public IVariantArms Inner => inner;

    public VariantArm? ArmAt(DateTimeOffset now) => run.Active ? inner.ArmAt(now) : null;

    public IReadOnlyList<VariantPlanner> Planners() => run.Active ? inner.Planners() : [];

    public void Observe(PlanningContext context, VariantArm active)
    {
        if (run.Active)
        {
            inner.Observe(context, active);
        }
    }
}
