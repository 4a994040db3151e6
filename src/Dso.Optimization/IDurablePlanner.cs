namespace Dso.Optimization;

/// <summary>
/// A planner whose learned state (demand record, calibration, launch times, the reactive counterfactual and the
/// self-correction level, budget pacing) outlives the process: the loop stores it after every decision and a
/// restarted service, or another replica taking the service over, continues from it (README, "Restarts").
/// </summary>
public interface IDurablePlanner : IScalingPlanner
{
    /// <summary>Everything this planner learned, in the self-checking form of <see cref="State.PlannerState"/>.</summary>
    byte[] SaveState();

    /// <summary>
    /// Continues from a state <see cref="SaveState"/> wrote. <paramref name="carry"/> says what of it the policy in force
    /// leaves valid when the state was learned under another one (the same rules as a reload, <c>ReloadCarryOver</c>);
    /// null when the policy is the same, and all of it is. A part that does not fit this planner is left out and named.
    /// </summary>
    /// <returns>What was restored and what was left out, for the log.</returns>
    /// <exception cref="State.PlannerStateException">The state cannot be read at all (damaged, another format or strategy).</exception>
    string RestoreState(byte[] state, PlannerCarryOver? carry);
}
