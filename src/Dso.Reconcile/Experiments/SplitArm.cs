using Dso.Experiments.Design;
using Dso.Optimization;
using Dso.Policies.Model;

namespace Dso.Reconcile.Experiments;

/// <summary>
/// A service's one variant in a split: every tick runs it, with one planner for the whole experiment. The block
/// number (the design's time blocks) only labels decisions and metrics; nothing switches at its boundaries.
/// </summary>
public sealed class SplitArm(string experiment, SwitchbackDesign blocks, string variant, ServicePolicy policy, StrategyRegistry strategies, DateTimeOffset? end = null)
    : IVariantArms
{
    private readonly Lazy<IScalingPlanner> _planner = new(() => strategies.Get(policy.Strategy.Name).CreatePlanner(policy));

    public string Variant => variant;

    public VariantArm? ArmAt(DateTimeOffset now) =>
        now < blocks.Start || (end is { } e && now >= e)
            ? null
            : new VariantArm(experiment, blocks.BlockAt(now), variant, policy, _planner.Value);

    /// <summary>A split's service runs its one variant at every tick: there is no other variant here to show it to.</summary>
    public void Observe(PlanningContext context, VariantArm active)
    {
    }
}
