using Dso.Abstractions;
using Dso.Abstractions.Approvals;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Optimization;
using Dso.Policies.Model;
using Dso.Reconcile.Approvals;

namespace Dso.Reconcile;

/// <summary>
/// Approving (mode <c>approve</c>): a change above the policy's thresholds is logged, queued for an operator and
/// not applied; smaller changes, holds and guard trims of a fleet that breaks the policy's own limits apply at
/// once. An approved change is applied by a later tick as that tick's decision, after the same guard, and only
/// if it is not stale: the fleet must still be the one the request saw, the guard must let it through unchanged
/// against the current limits and budget, and it must come within one approval timeout of the approval.
/// </summary>
public sealed partial class ServiceLoop
{
    private ApprovalDesk? _desk;

    private ApprovalDesk? Desk => _desk ??= (_deps.Approvals ?? _deps.Log as IApprovalQueue) is { } queue
        ? new ApprovalDesk(queue, _deps.Log, _deps.Time)
        : null;

    /// <summary>
    /// Expires unanswered requests, then turns an approved one into this tick's proposal, or refuses it when stale.
    /// A hold keeps an approved change waiting (the loop cannot see demand; the change may still come while fresh).
    /// </summary>
    private async Task<Proposal> TakeApprovedAsync(DateTimeOffset now, FleetState state, Proposal proposal, CancellationToken cancellationToken)
    {
        if (Policy.Cloud.Mode != ApplyMode.Approve || Desk is not { } desk)
        {
            return proposal;
        }

        await desk.ExpireDueAsync(Policy.Name, cancellationToken).ConfigureAwait(false);
        var approved = await desk.Queue.ApprovalsAsync(new ApprovalQuery { Service = Policy.Name, Statuses = [ApprovalStatus.Approved], Limit = 20 }, cancellationToken).ConfigureAwait(false);
        if (approved.Count == 0)
        {
            return proposal;
        }

        // Newest first: an older approved request is stale by definition once a newer one exists.
        foreach (var older in approved.Skip(1))
        {
            await desk.RefuseAsync(older, $"stale: a newer approved request ({approved[0].Id}) replaces it", cancellationToken).ConfigureAwait(false);
        }

        var request = approved[0];
        var timeout = Policy.Cloud.Approval.Timeout;
        if (request.DecidedAt is { } at && now - at > timeout)
        {
            await desk.RefuseAsync(request, $"stale: approved at {at:yyyy-MM-ddTHH:mm:ssZ} but not applied within the approval timeout ({timeout})", cancellationToken).ConfigureAwait(false);
            return proposal;
        }

        if (!state.Fleet.Equals(request.Before) || state.ServerlessRps != request.ServerlessRpsBefore)
        {
            await desk.RefuseAsync(request, $"stale: the fleet changed since the request (then {request.Before}, now {state.Fleet}); re-decided", cancellationToken).ConfigureAwait(false);
            return proposal;
        }

        if (proposal.Held)
        {
            return proposal;
        }

        var plan = new ScalingPlan(request.Target, request.Strategy,
            $"applying approval {request.Id} approved by '{request.DecidedBy}' at {request.DecidedAt:yyyy-MM-ddTHH:mm:ssZ}: {request.Reason} (this tick's own plan: {proposal.Plan.Target})",
            proposal.Plan.Alternatives)
        {
            ServerlessRps = request.ServerlessRps,
            Forecast = proposal.Plan.Forecast,
        };
        var guard = PlanGuard.Check(plan, PolicyOf(proposal), proposal.Context);
        if (guard.Changed)
        {
            await desk.RefuseAsync(request, $"stale: the plan guard would now change it ({string.Join("; ", guard.Notes)}); re-decided", cancellationToken).ConfigureAwait(false);
            return proposal;
        }

        return proposal with { Plan = plan, Approval = new DecisionApproval(request.Id, request.DecidedBy ?? ApprovalDesk.System, request.DecidedAt ?? now) };
    }

    /// <summary>
    /// Why the decision must wait for an operator instead of being applied now (what is above the threshold), or null
    /// when it applies at once. The thresholds hold for this change alone and for it together with the changes applied
    /// without an operator within <see cref="ApprovalPolicy.Window"/>: small steps do not add up to a large change
    /// nobody approved.
    /// </summary>
    private async Task<string?> NeedsApprovalAsync(ScalingDecision decision, FleetState state, CancellationToken cancellationToken)
    {
        if (Policy.Cloud.Mode != ApplyMode.Approve || decision.Approval is not null || decision.Held)
        {
            // A hold runs the policy's own fallback for when the loop is blind: waiting for a human would defeat it.
            return null;
        }

        if (decision.GuardNotes is { Count: > 0 } && decision.ChosenHourlyCost <= HourlyOf(state.Fleet, state.ServerlessRps))
        {
            // A guard trim of a fleet that breaks the policy's limits or budget (the guard would change "keep" too)
            // enforces what the operator already wrote down; it applies at once.
            var context = new PlanningContext { Now = decision.Timestamp, ObservedDemand = double.NaN, Current = state.Fleet, Ready = state.Ready, Budget = BudgetWindowAt(decision.Timestamp) };
            var keep = PlanGuard.Check(new ScalingPlan(state.Fleet, "keep", "keep", []) { ServerlessRps = state.ServerlessRps }, Policy, context);
            if (keep.Changed)
            {
                return null;
            }
        }

        var approval = Policy.Cloud.Approval;
        var (added, removed) = Moves(state.Fleet, decision.Chosen);
        if (approval.Requires(Math.Max(added, removed), decision.ChosenHourlyCost - HourlyOf(state.Fleet, state.ServerlessRps)))
        {
            return $"above the approval threshold ({Threshold(approval)})";
        }

        if (await UnapprovedSinceAsync(decision.Timestamp, state, cancellationToken).ConfigureAwait(false) is not { } since)
        {
            return null;
        }

        // Instances only: the serverless share of a past fleet is not in the decision log's fleets.
        var (totalAdded, totalRemoved) = Moves(since.Fleet, decision.Chosen);
        var (then, after) = (HourlyOf(since.Fleet, 0), decision.ChosenHourlyCost - ServerlessHourly(decision.ServerlessRps));
        return approval.Requires(Math.Max(totalAdded, totalRemoved), after - then)
            ? FormattableString.Invariant(
                $"above the approval threshold ({Threshold(approval)}) together with the changes applied without approval since {since.At:yyyy-MM-ddTHH:mm:ssZ} ({since.Fleet} then: +{totalAdded}/-{totalRemoved} instances, ${then:0.####}/h -> ${after:0.####}/h in instances, within approval.window {DurationFormat.Shortest(approval.Window)})")
            : null;
    }

    /// <summary>
    /// Where the run of changes applied without an operator within the approval window began: walking the service's
    /// decisions back from the fleet it has now, each applied change that neither carried an approval nor was a hold
    /// and that ended where the next began; null when there is none. An approved change, a hold, a fleet changed outside
    /// this service (the chain breaks) or the window's start ends the run. Read from the decision log, so a restarted
    /// process or another replica counts the same steps.
    /// </summary>
    private async Task<(Fleet Fleet, DateTimeOffset At)?> UnapprovedSinceAsync(DateTimeOffset now, FleetState state, CancellationToken cancellationToken)
    {
        var window = Policy.Cloud.Approval.Window;
        if (window <= TimeSpan.Zero || Desk is null)
        {
            return null;
        }

        var ticks = Policy.Tick > TimeSpan.Zero ? window / Policy.Tick : 1000;
        var limit = (int)Math.Clamp(Math.Ceiling(ticks) + 2, 2, 1000);
        var recent = await _deps.Log.RecentAsync(Policy.Name, limit, cancellationToken).ConfigureAwait(false);
        (Fleet Fleet, DateTimeOffset At)? since = null;
        var from = state.Fleet;
        foreach (var record in recent)
        {
            var d = record.Decision;
            if (now - d.Timestamp > window)
            {
                break;
            }

            if (record.Outcome is not { Status: ApplyStatus.Applied or ApplyStatus.Partial } outcome || !d.IsChange)
            {
                continue; // nothing changed at that tick (held, waiting, failed, dry-run)
            }

            if (d.Approval is not null || d.Held || !outcome.After.Equals(from))
            {
                break;
            }

            since = (d.Before, d.Timestamp);
            from = d.Before;
        }

        return since is { } s && !s.Fleet.Equals(state.Fleet) ? s : null;
    }

    /// <summary>
    /// Queues the change (or finds it queued), and records the decision's outcome as awaiting approval; an
    /// identical change an operator rejected within the approval timeout is not asked for again.
    /// </summary>
    private async Task<DecisionOutcome> AwaitApprovalAsync(ScalingDecision decision, FleetState state, string why, CancellationToken cancellationToken)
    {
        var now = _deps.Time.GetUtcNow();
        if (Desk is not { } desk)
        {
            return new DecisionOutcome(decision.Id, now, ApplyStatus.Failed, state.Fleet, 0, 0,
                "terminal InvalidRequest: mode approve needs an approval queue, and this run's decision log has none (e.g. a simulation); nothing applied");
        }

        var timeout = Policy.Cloud.Approval.Timeout;
        var pending = await desk.Queue.ApprovalsAsync(new ApprovalQuery { Service = Policy.Name, Statuses = [ApprovalStatus.Pending], Limit = 20 }, cancellationToken).ConfigureAwait(false);
        var same = pending.FirstOrDefault(p => p.Id == decision.Id || Same(p, decision, state))
            ?? pending.FirstOrDefault(p => SameDirection(p, decision, state));
        foreach (var other in pending.Where(p => !ReferenceEquals(p, same)))
        {
            await desk.SupersedeAsync(other, decision.Id, cancellationToken).ConfigureAwait(false);
        }

        if (same is not null)
        {
            var wanted = same.Target.Equals(decision.Chosen) ? "" : $"; this tick would choose {decision.Chosen}, the next one after the approved change asks for the rest";
            return new DecisionOutcome(decision.Id, now, ApplyStatus.AwaitingApproval, state.Fleet, 0, 0,
                $"awaiting approval {same.Id}: {same.Before} -> {same.Target} ({ApprovalDesk.Size(same)}) asked for at {same.RequestedAt:yyyy-MM-ddTHH:mm:ssZ}, expires {same.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}{wanted}; nothing applied");
        }

        var rejected = await desk.Queue.ApprovalsAsync(new ApprovalQuery { Service = Policy.Name, Statuses = [ApprovalStatus.Rejected], Limit = 1 }, cancellationToken).ConfigureAwait(false);
        if (rejected.FirstOrDefault() is { DecidedAt: { } when } no && Same(no, decision, state) && now - when < timeout)
        {
            return new DecisionOutcome(decision.Id, now, ApplyStatus.Rejected, state.Fleet, 0, 0,
                $"rejected: '{no.DecidedBy}' rejected {state.Fleet} -> {decision.Chosen} at {when:yyyy-MM-ddTHH:mm:ssZ} (approval {no.Id}); not asked again before {when + timeout:yyyy-MM-ddTHH:mm:ssZ}; nothing applied");
        }

        var (added, removed) = Moves(state.Fleet, decision.Chosen);
        var request = new ApprovalRequest
        {
            Id = decision.Id,
            Service = Policy.Name,
            RequestedAt = now,
            ExpiresAt = now + timeout,
            Before = state.Fleet,
            Target = decision.Chosen,
            ServerlessRpsBefore = state.ServerlessRps,
            ServerlessRps = decision.ServerlessRps,
            HourlyCostBefore = HourlyOf(state.Fleet, state.ServerlessRps),
            HourlyCostAfter = decision.ChosenHourlyCost,
            InstancesAdded = added,
            InstancesRemoved = removed,
            Strategy = decision.Strategy,
            // The operator reads why it waits beside why the planner wants it (a one-instance step can wait as part of a run).
            Reason = $"{decision.Reason} [waits: {why}]",
        };
        await desk.RequestAsync(request, cancellationToken).ConfigureAwait(false);
        return new DecisionOutcome(decision.Id, now, ApplyStatus.AwaitingApproval, state.Fleet, 0, 0,
            $"awaiting approval {request.Id}: {state.Fleet} -> {decision.Chosen} ({ApprovalDesk.Size(request)}) is {why}; expires {request.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}; nothing applied");
    }

    /// <summary>Closes the approval an applied decision carried out (a failed apply leaves it approved for the next tick).</summary>
    private async Task ResolveApprovalAsync(ScalingDecision decision, DecisionOutcome outcome, CancellationToken cancellationToken)
    {
        if (decision.Approval is not { } approval || Desk is not { } desk || outcome.Status == ApplyStatus.Failed)
        {
            return;
        }

        if (await desk.Queue.FindApprovalAsync(approval.Id, cancellationToken).ConfigureAwait(false) is { Status: ApprovalStatus.Approved } request)
        {
            await desk.AppliedAsync(request, decision.Id, $"{outcome.Status}: {outcome.Message}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A pending request from the same fleet that moves cost the same way (both up or both down) stands for this
    /// tick's wish too: superseding it whenever the planner's exact target moves a little would leave operators
    /// answering requests that vanish under them. A change of direction or of the fleet replaces it.
    /// </summary>
    private bool SameDirection(ApprovalRequest request, ScalingDecision decision, FleetState state) =>
        request.Before.Equals(state.Fleet) && request.ServerlessRpsBefore == state.ServerlessRps
        && Math.Sign(request.HourlyCostDelta) == Math.Sign(decision.ChosenHourlyCost - HourlyOf(state.Fleet, state.ServerlessRps))
        && Math.Sign(request.Target.Total - request.Before.Total) == Math.Sign(decision.Chosen.Total - state.Fleet.Total);

    private static bool Same(ApprovalRequest request, ScalingDecision decision, FleetState state) =>
        request.Target.Equals(decision.Chosen) && request.Before.Equals(state.Fleet) && request.ServerlessRps == decision.ServerlessRps;

    private static string Threshold(ApprovalPolicy approval) => approval is { Instances: null, UsdPerHour: null }
        ? "every change"
        : string.Join(" or ", new[]
        {
            approval.Instances is { } n ? $"more than {n} instances" : null,
            approval.UsdPerHour is { } usd ? $"more than ${usd:0.####}/h" : null,
        }.Where(s => s is not null));

    /// <summary>Instances launched and stopped going from one fleet to the other (a swap of types counts both ways).</summary>
    private static (int Added, int Removed) Moves(Fleet from, Fleet to)
    {
        var added = to.Counts.Sum(kv => Math.Max(0, kv.Value - from[kv.Key]));
        var removed = from.Counts.Sum(kv => Math.Max(0, kv.Value - to[kv.Key]));
        return (added, removed);
    }

    /// <summary>The hourly price of a fleet; a type dropped from the policy while still running counts as free (it is not ours to price).</summary>
    private decimal HourlyOf(Fleet fleet, double serverlessRps) =>
        fleet.Counts.Where(kv => Policy.Catalog.Contains(kv.Key)).Sum(kv => Policy.Catalog[kv.Key].PricePerHour * kv.Value) + ServerlessHourly(serverlessRps);
}
