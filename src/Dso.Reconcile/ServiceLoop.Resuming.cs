using System.Diagnostics;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Optimization;

namespace Dso.Reconcile;

/// <summary>
/// Resuming after a crash between "logged" and "outcome recorded". A decision at most one tick old is re-checked
/// by the guard against the fleet and budget as they are now and, if the guard lets it through unchanged,
/// re-applied with its own key (the adapter ignores a key it has applied, so nothing is launched twice); it is
/// then this tick's decision. An older one, or one the guard would now change, is closed as superseded and the
/// tick decides afresh from the actual fleet. Either way no logged decision is left without an outcome.
/// </summary>
public sealed partial class ServiceLoop
{
    /// <summary>Outcome message prefix of a pending decision that a restart closed instead of applying.</summary>
    public const string SupersededPrefix = "superseded";

    private async Task<TickResult?> ResumeUnfinishedAsync(DateTimeOffset now, FleetState state, long started, CancellationToken cancellationToken)
    {
        var last = await _deps.Log.LastAsync(Policy.Name, cancellationToken).ConfigureAwait(false);
        if (last is null || last.Outcome is not null)
        {
            return null;
        }

        var pending = last.Decision;
        var age = now - pending.Timestamp;
        if (age > Policy.Tick || age < TimeSpan.Zero)
        {
            await SupersedeAsync(pending, state, $"logged {age.TotalMinutes:0.#} min before the restart, older than one tick ({Policy.Tick.TotalMinutes:0.#} min); re-decided from the actual fleet", cancellationToken).ConfigureAwait(false);
            return null;
        }

        await AccrueSpendAsync(now, state, cancellationToken).ConfigureAwait(false);
        var budget = BudgetWindowAt(now);
        var context = new PlanningContext { Now = now, ObservedDemand = double.NaN, Current = state.Fleet, Ready = state.Ready, Budget = budget };
        var replay = new ScalingPlan(pending.Chosen, pending.Strategy, pending.Reason, []) { ServerlessRps = pending.ServerlessRps };
        var guard = PlanGuard.Check(replay, Policy, context);
        if (!guard.Plan.Target.Equals(pending.Chosen) || guard.Plan.ServerlessRps != pending.ServerlessRps)
        {
            await SupersedeAsync(pending, state, $"the plan guard would now change it ({string.Join(", ", guard.Notes)}); re-decided", cancellationToken).ConfigureAwait(false);
            return null;
        }

        var outcome = await ApplyAsync(pending, state, cancellationToken, cancellationToken).ConfigureAwait(false);
        return Result(now, pending, outcome, Stopwatch.GetElapsedTime(started), budget);
    }

    private Task SupersedeAsync(ScalingDecision pending, FleetState state, string why, CancellationToken cancellationToken) =>
        _deps.Log.RecordOutcomeAsync(
            new DecisionOutcome(pending.Id, _deps.Time.GetUtcNow(), ApplyStatus.Failed, state.Fleet, 0, 0, $"{SupersededPrefix}: {why}"),
            cancellationToken);
}
