using System.Diagnostics;
using Dso.Abstractions.Decisions;
using Dso.Optimization;
using Dso.Optimization.State;
using Dso.Policies.Model;
using Dso.Reconcile.Experiments;

namespace Dso.Reconcile;

/// <summary>
/// The planner's learned state outlives the process: saved to <see cref="ServiceLoopDependencies.PlannerStates"/> after
/// every tick (at most once per <see cref="ServiceLoopDependencies.PlannerStateInterval"/>), restored on the first tick
/// after a start. A state saved under an edited policy keeps
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

    /// <summary>When the state was last saved (<see cref="Stopwatch"/> timestamp; 0 before the first save).</summary>
    private long _lastStateSave;

    /// <summary>Whether the latest save failed (the next failure is not reported again until one succeeds).</summary>
    private bool _stateSaveFailing;

    /// <summary>Whether the experiment variants' planners were restored (once per loop: the first arms it runs after a start).</summary>
    private bool _armsRestored;

    private Task RestorePlannerAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        RestoreOneAsync(Policy.Name, "", Policy, _planner, now, cancellationToken);

    /// <summary>
    /// The variants of the experiment the loop runs continue from their saved state too, each under its own key
    /// (<c>service#experiment/variant</c>); only the first arms a loop runs after a start (a new run in the same
    /// process starts its variants as it always did).
    /// </summary>
    private async Task RestoreArmsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_armsRestored || Arms is not { } arms || _deps.PlannerStates is null)
        {
            return;
        }

        _armsRestored = true;
        foreach (var variant in arms.Planners())
        {
            await RestoreOneAsync(ArmKey(variant), $"variant {variant.Key}: ", variant.Policy, variant.Planner, now, cancellationToken).ConfigureAwait(false);
        }
    }

    private string ArmKey(VariantPlanner variant) => $"{Policy.Name}#{variant.Key}";

    private async Task RestoreOneAsync(string key, string prefix, ServicePolicy policy, IScalingPlanner planner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_deps.PlannerStates is not { } store || planner is not IDurablePlanner durable)
        {
            return;
        }

        string message;
        try
        {
            message = await RestoreAsync(store, key, policy, durable, now, cancellationToken).ConfigureAwait(false) ?? "";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            message = $"learning afresh: reading the saved state failed: {ex.Message}";
        }

        if (message.Length > 0)
        {
            await _deps.Log.AppendEventAsync(Policy.Name, now, PlannerStateEvent, prefix + message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <returns>What happened, for the log; null when nothing was saved (a new service).</returns>
    private static async Task<string?> RestoreAsync(IPlannerStateStore store, string key, ServicePolicy policy, IDurablePlanner planner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var saved = await store.LoadPlannerStateAsync(key, cancellationToken).ConfigureAwait(false);
        if (saved is null)
        {
            return null;
        }

        var age = now - saved.SavedAt;
        var limit = policy.Tick * 3 > MaxPlannerStateAge ? policy.Tick * 3 : MaxPlannerStateAge;
        var when = $"saved {Describe(age)} ago";
        if (age > limit || age < TimeSpan.Zero)
        {
            return $"learning afresh: the saved state is {(age < TimeSpan.Zero ? $"from {Describe(-age)} in the future" : $"{Describe(age)} old, older than {Describe(limit)}")} (its demand record would skip the gap)";
        }

        if (PlannerLineage.FromJson(saved.Lineage) is not { } lineage)
        {
            return $"learning afresh: the saved state's lineage is unreadable ({when})";
        }

        var edit = lineage.Compare(PlannerLineage.Of(policy));
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

    /// <summary>
    /// Saves the state of the loop's own planner and of the experiment variants' it runs. A failure is reported once in
    /// the log, and on every tick to the host.
    /// </summary>
    /// <returns>Why the save failed; null when it succeeded or was not due.</returns>
    private async Task<string?> SavePlannerAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_deps.PlannerStates is not { } store ||
            (_lastStateSave != 0 && Stopwatch.GetElapsedTime(_lastStateSave) < _deps.PlannerStateInterval))
        {
            // Not yet: the next tick past the interval saves it.
            return null;
        }

        // Every tick, whether the planner ran or not (a hold, an experiment's variant in force): its state is then as
        // current as an uninterrupted loop's, and only time the process was down counts against the age limit.
        var saving = new List<(string Key, ServicePolicy Policy, IDurablePlanner Planner)>();
        if (_planner is IDurablePlanner own)
        {
            saving.Add((Policy.Name, Policy, own));
        }

        if (Arms is { } arms)
        {
            saving.AddRange(arms.Planners().Where(v => v.Planner is IDurablePlanner).Select(v => (ArmKey(v), v.Policy, (IDurablePlanner)v.Planner)));
        }

        if (saving.Count > 0)
        {
            _lastStateSave = Stopwatch.GetTimestamp();
        }

        try
        {
            foreach (var (key, policy, planner) in saving)
            {
                await store.SavePlannerStateAsync(new PlannerStateRecord(key, now, PlannerLineage.JsonOf(policy), planner.SaveState()), cancellationToken).ConfigureAwait(false);
            }

            _stateSaveFailing = false;
            return null;
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

            return ex.Message;
        }
    }

    private static string Describe(TimeSpan span) =>
        span.TotalMinutes < 2 ? $"{span.TotalSeconds:0} s" : span.TotalHours < 2 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalHours:0.#} h";
}
