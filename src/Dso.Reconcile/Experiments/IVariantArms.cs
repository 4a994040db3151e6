namespace Dso.Reconcile.Experiments;

/// <summary>
/// The seam between a loop and an experiment: which variant decides at a moment. The loop asks once per tick and
/// plans with the arm's policy and planner instead of its own.
/// </summary>
public interface IVariantArms
{
    /// <summary>The arm in force at <paramref name="now"/>; null when the experiment is not running then.</summary>
    VariantArm? ArmAt(DateTimeOffset now);
}
