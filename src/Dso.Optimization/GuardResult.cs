namespace Dso.Optimization;

/// <summary>
/// What the plan guard let through: the plan to apply, each correction it made (empty when it changed nothing) and
/// whether a spend limit (hard budget, <c>max_hourly_usd</c>) was one of them.
/// </summary>
public sealed record GuardResult(ScalingPlan Plan, IReadOnlyList<string> Notes, bool SpendLimited)
{
    public bool Changed => Notes.Count > 0;
}
