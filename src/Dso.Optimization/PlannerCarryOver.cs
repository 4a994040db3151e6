namespace Dso.Optimization;

/// <summary>
/// What a planner rebuilt for an edited policy may take over from the one it replaces. The rules that decide it,
/// from the edit, live in one place (<c>Dso.Reconcile.ReloadCarryOver</c>); a strategy only honours them.
/// </summary>
public sealed record PlannerCarryOver
{
    /// <summary>Nothing: the edit invalidates everything the planner learned (another strategy, parameters or tick).</summary>
    public static readonly PlannerCarryOver Nothing = new();

    /// <summary>
    /// What demand did and how it is bounded: demand history, the calibrated envelope, recurring bursts, the scale-in
    /// window, surge and dwell timers. Learned from the request rate, so valid whatever the budget, limits or catalog.
    /// </summary>
    public bool Demand { get; init; }

    /// <summary>
    /// Offerings whose launch times (still booting, still inside their billing minimum) are kept; an offering not
    /// listed (new, removed or redefined) starts with none known.
    /// </summary>
    public IReadOnlySet<string> Offerings { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The reactive counterfactual (what target tracking would have cost and missed so far), this planner's own
    /// tally and the self-correction level set from comparing them: valid only while both would still be sized the
    /// same way (same catalog, limits and boot delay).
    /// </summary>
    public bool Counterfactual { get; init; }
}
