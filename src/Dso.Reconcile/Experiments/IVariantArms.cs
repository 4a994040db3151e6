using Dso.Optimization;
using Dso.Policies.Model;

namespace Dso.Reconcile.Experiments;

/// <summary>
/// The seam between a loop and an experiment: which variant decides at a moment. The loop asks once per tick and
/// plans with the arm's policy and planner instead of its own.
/// </summary>
public interface IVariantArms
{
    /// <summary>The arm in force at <paramref name="now"/>; null when the experiment is not running then.</summary>
    VariantArm? ArmAt(DateTimeOffset now);

    /// <summary>
    /// Shows the tick the <paramref name="active"/> arm just planned to the variants not in force, whose plans are
    /// discarded. Demand does not depend on the variant, so each variant learns from every tick as it would running
    /// alone; a variant that saw only its own blocks would learn a time-warped series (its "same time yesterday" is
    /// two days back, a bound issued at a block's end is scored against demand hours later).
    /// </summary>
    void Observe(PlanningContext context, VariantArm active);

    /// <summary>
    /// Each variant's planner (created now if it was not yet) with the policy it runs, under a key naming the experiment
    /// and variant: the loop saves their learned state after each tick and restores it after a restart, as its own.
    /// </summary>
    IReadOnlyList<VariantPlanner> Planners();
}

/// <summary>A variant's planner, for saving and restoring its state.</summary>
/// <param name="Key">The experiment and variant (<c>coverage/q90</c>).</param>
public sealed record VariantPlanner(string Key, ServicePolicy Policy, IScalingPlanner Planner);
