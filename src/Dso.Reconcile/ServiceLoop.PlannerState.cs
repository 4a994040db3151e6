using Dso.Abstractions.Decisions;
using Dso.Optimization;
using Dso.Optimization.State;

namespace Dso.Reconcile;

/// <summary>
/// The planner's learned state outlives the process: saved to <see cref="ServiceLoopDependencies.PlannerStates"/> after
/// every decision it planned, restored on the first tick after a start. A state saved under an edited policy keeps
/// what a reload would (<see cref="PlannerLineage"/>); one that is too old, damaged or unreadable is left out, the
/// planner learns afresh and an event says why. Saving never fails a tick: the decision is logged already.
/// </summary>
public sealed partial class ServiceLoop
{
    /// <summary>
    /// A state older than this (or than three ticks, if longer) is not restored: the demand record counts ticks, and
    /// the tallies would bill the whole gap at the fleet and demand of its first tick. A restart or a failover takes
    /// seconds to a minute or two.
    /// </summary>
    public static readonly TimeSpan MaxPlannerStateAge = TimeSpan.FromMinutes(15);

    /// <summary>Event kind of every restore, save failure and refusal.</summary>
    public const string PlannerStateEvent = "planner_state";

    /// <summary>Whether the planner in use planned this tick (only then has its state changed).</summary>
    private bool _plannerPlanned;

    /// <summary>Whether the latest save failed (the next failure is not reported again until one succeeds).</summary>
    private bool _stateSaveFailing;

    private async Task RestorePlannerAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_deps.PlannerStates is not { } store || _planner is not IDurablePlanner planner)
        {
            return;
        }

        string message;
        try
        {
            message = await RestoreAsync(store, planner, now, cancellationToken).ConfigureAwait(false) ?? "";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            message = $"learning afresh: reading the saved state failed: {ex.Message}";
        }

        if (message.Length > 0)
        {
            await _deps.Log.AppendEventAsync(Policy.Name, now, PlannerStateEvent, message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <returns>What happened, for the log; null when nothing was saved (a new service).</returns>
    private async Task<string?> RestoreAsync(IPlannerStateStore store, IDurablePlanner planner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var saved = await store.LoadPlannerStateAsync(Policy.Name, cancellationToken).ConfigureAwait(false);
        if (saved is null)
        {
            return null;
        }

        var age = now - saved.SavedAt;
        var limit = Policy.Tick * 3 > MaxPlannerStateAge ? Policy.Tick * 3 : MaxPlannerStateAge;
        var when = $"saved {Describe(age)} ago";
        if (age > limit || age < TimeSpan.Zero)
        {
            return $"learning afresh: the saved state is {(age < TimeSpan.Zero ? $"from {Describe(-age)} in the future" : $"{Describe(age)} old, older than {Describe(limit)}")} (its demand record would skip the gap)";
        }

        if (PlannerLineage.FromJson(saved.Lineage) is not { } lineage)
        {
            return $"learning afresh: the saved state's lineage is unreadable ({when})";
        }

        var edit = lineage.Compare(PlannerLineage.Of(Policy));
        if (edit.ResetBy is { } by)
        {
            return $"learning afresh: the saved state was learned under another {by} ({when})";
        }

        try
        {
            var restored = planner.RestoreState(saved.State, edit.Same ? null : edit.Carry);
            return $"{restored} ({when}{(edit.Same ? "" : ", under a policy edited since: kept what a reload keeps")})";
        }
        catch (PlannerStateException ex)
        {
            return $"learning afresh: the saved state is refused: {ex.Message} ({when})";
        }
    }

    /// <summary>Saves the planner's state after a tick it planned; a failure is reported once, not every tick.</summary>
    private async Task SavePlannerAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_plannerPlanned || _deps.PlannerStates is not { } store || _planner is not IDurablePlanner planner)
        {
            return;
        }

        _plannerPlanned = false;
        try
        {
            await store.SavePlannerStateAsync(new PlannerStateRecord(Policy.Name, now, PlannerLineage.Of(Policy).ToJson(), planner.SaveState()), cancellationToken).ConfigureAwait(false);
            _stateSaveFailing = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (!_stateSaveFailing)
            {
                _stateSaveFailing = true;
                try
                {
                    await _deps.Log.AppendEventAsync(Policy.Name, now, PlannerStateEvent, $"saving the planner's state failed (a restart now would learn afresh): {ex.Message}", cancellationToken).ConfigureAwait(false);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // The log is failing too: the tick's own failure handling reports that.
                }
            }
        }
    }

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes < 2 ? $"{span.TotalSeconds:0} s" : span.TotalHours < 2 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalHours:0.#} h";
}
