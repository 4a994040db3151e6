namespace Dso.Abstractions.Approvals;

/// <summary>
/// Where an approval request is in its life: an operator moves it from <see cref="Pending"/> to
/// <see cref="Approved"/> or <see cref="Rejected"/>; the loop expires it, supersedes it with a newer request,
/// applies an approved one or refuses it as stale. Every status but the first two is final.
/// </summary>
public enum ApprovalStatus
{
    /// <summary>Waiting for an operator until <see cref="ApprovalRequest.ExpiresAt"/>.</summary>
    Pending,

    /// <summary>An operator approved it; the service's next tick re-checks it and applies it (or refuses it as stale).</summary>
    Approved,

    /// <summary>An operator rejected it; the same change is not asked for again within the approval timeout.</summary>
    Rejected,

    /// <summary>Nobody answered before <see cref="ApprovalRequest.ExpiresAt"/>.</summary>
    Expired,

    /// <summary>A later tick wanted a different fleet and asked for that instead.</summary>
    Superseded,

    /// <summary>Approved and applied by the decision in <see cref="ApprovalRequest.AppliedDecisionId"/>.</summary>
    Applied,

    /// <summary>Approved, but stale by the time the loop came to apply it (see <see cref="ApprovalRequest.Resolution"/>).</summary>
    Refused,
}
