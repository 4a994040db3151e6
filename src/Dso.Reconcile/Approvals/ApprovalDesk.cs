using Dso.Abstractions.Approvals;
using Dso.Abstractions.Decisions;

namespace Dso.Reconcile.Approvals;

/// <summary>
/// Every change of an approval request's state, for the API (approve, reject) and the loop (expire, supersede,
/// applied, refused): a compare-and-set in the queue, then an event in the decision log saying who did it and
/// when, so the log tells the whole story even after the request is answered.
/// </summary>
public sealed class ApprovalDesk(IApprovalQueue queue, IDecisionLog log, TimeProvider time)
{
    /// <summary>The <see cref="ApprovalRequest.DecidedBy"/> of requests the service itself closed (expired, superseded).</summary>
    public const string System = "system";

    public IApprovalQueue Queue => queue;

    public Task<ApprovalAnswer> ApproveAsync(string id, string by, string? note, CancellationToken cancellationToken) =>
        AnswerAsync(id, ApprovalStatus.Approved, by, note, cancellationToken);

    public Task<ApprovalAnswer> RejectAsync(string id, string by, string? note, CancellationToken cancellationToken) =>
        AnswerAsync(id, ApprovalStatus.Rejected, by, note, cancellationToken);

    /// <summary>Marks every pending request past its expiry as expired (one service, or all); returns how many.</summary>
    public async Task<int> ExpireDueAsync(string? service, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var pending = await queue.ApprovalsAsync(new ApprovalQuery { Service = service, Statuses = [ApprovalStatus.Pending], Limit = ApprovalQuery.MaxLimit }, cancellationToken).ConfigureAwait(false);
        var expired = 0;
        foreach (var request in pending.Where(r => now >= r.ExpiresAt))
        {
            if (await ExpireAsync(request, now, cancellationToken).ConfigureAwait(false))
            {
                expired++;
            }
        }

        return expired;
    }

    /// <summary>Records a new request and its event; false when a request with this id exists (a re-applied decision).</summary>
    public async Task<bool> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        if (!await queue.AddApprovalAsync(request, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await log.AppendEventAsync(request.Service, request.RequestedAt, "approval_requested",
            $"approval {request.Id} requested: {request.Before} -> {request.Target} ({Size(request)}), expires {request.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The loop asked for a different fleet since: the older request is closed so operators answer the current one.</summary>
    public Task<bool> SupersedeAsync(ApprovalRequest request, string byDecision, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var note = $"superseded by {byDecision}, which wants a different fleet";
        return MoveAsync(request, request with { Status = ApprovalStatus.Superseded, DecidedBy = System, DecidedAt = now, Note = note },
            ApprovalStatus.Pending, "approval_superseded", $"approval {request.Id} {note}", now, cancellationToken);
    }

    /// <summary>An approved change went to the cloud with decision <paramref name="decisionId"/>.</summary>
    public Task<bool> AppliedAsync(ApprovalRequest request, string decisionId, string outcome, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return MoveAsync(request, request with { Status = ApprovalStatus.Applied, ResolvedAt = now, Resolution = outcome, AppliedDecisionId = decisionId },
            ApprovalStatus.Approved, "approval_applied", $"approval {request.Id} (approved by '{request.DecidedBy}') applied by decision {decisionId}: {outcome}", now, cancellationToken);
    }

    /// <summary>An approved change was stale when the loop came to apply it; <paramref name="why"/> says how.</summary>
    public Task<bool> RefuseAsync(ApprovalRequest request, string why, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return MoveAsync(request, request with { Status = ApprovalStatus.Refused, ResolvedAt = now, Resolution = why },
            ApprovalStatus.Approved, "approval_refused", $"approval {request.Id} (approved by '{request.DecidedBy}') not applied: {why}", now, cancellationToken);
    }

    /// <summary>"+3/-0 instances, $0.40/h -> $0.70/h" for messages.</summary>
    public static string Size(ApprovalRequest request) =>
        $"+{request.InstancesAdded}/-{request.InstancesRemoved} instances, ${request.HourlyCostBefore:0.####}/h -> ${request.HourlyCostAfter:0.####}/h";

    private async Task<ApprovalAnswer> AnswerAsync(string id, ApprovalStatus to, string by, string? note, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = await queue.FindApprovalAsync(id, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return ApprovalAnswer.NotFound(id);
        }

        if (current.Status == ApprovalStatus.Pending && now >= current.ExpiresAt)
        {
            // Answered too late: the expiry is recorded now (the loop may not have ticked since) and the answer refused.
            await ExpireAsync(current, now, cancellationToken).ConfigureAwait(false);
            current = await queue.FindApprovalAsync(id, cancellationToken).ConfigureAwait(false) ?? current;
        }

        if (current.Status != ApprovalStatus.Pending)
        {
            return NotPending(current);
        }

        var verb = to == ApprovalStatus.Approved ? "approved" : "rejected";
        var updated = current with { Status = to, DecidedBy = by, DecidedAt = now, Note = note };
        var moved = await MoveAsync(current, updated, ApprovalStatus.Pending, $"approval_{verb}",
            $"approval {id} ({current.Before} -> {current.Target}, {Size(current)}) {verb} by '{by}'{(string.IsNullOrWhiteSpace(note) ? "" : ": " + note)}",
            now, cancellationToken).ConfigureAwait(false);
        if (!moved)
        {
            var now2 = await queue.FindApprovalAsync(id, cancellationToken).ConfigureAwait(false) ?? current;
            return NotPending(now2);
        }

        return new ApprovalAnswer(ApprovalAnswerKind.Taken, updated, $"approval {id} {verb} by '{by}'");
    }

    private static ApprovalAnswer NotPending(ApprovalRequest current) => new(ApprovalAnswerKind.NotPending, current,
        $"approval {current.Id} is {current.Status.ToString().ToLowerInvariant()}, not pending"
        + (current.DecidedBy is { } who ? $" ({who} at {current.DecidedAt:yyyy-MM-ddTHH:mm:ssZ})" : ""));

    private Task<bool> ExpireAsync(ApprovalRequest request, DateTimeOffset now, CancellationToken cancellationToken) =>
        MoveAsync(request, request with { Status = ApprovalStatus.Expired, DecidedBy = System, DecidedAt = now, Note = $"no answer before {request.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}" },
            ApprovalStatus.Pending, "approval_expired", $"approval {request.Id} ({request.Before} -> {request.Target}) expired unanswered at {request.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}", now, cancellationToken);

    private async Task<bool> MoveAsync(ApprovalRequest current, ApprovalRequest updated, ApprovalStatus expected, string kind, string message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!await queue.UpdateApprovalAsync(updated, expected, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await log.AppendEventAsync(current.Service, now, kind, message, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
