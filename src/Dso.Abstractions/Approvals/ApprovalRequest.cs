using Dso.Abstractions.Catalog;

namespace Dso.Abstractions.Approvals;

/// <summary>
/// A change a service in <c>approve</c> mode wants and may not make alone: the fleet it saw, the fleet it wants,
/// what that costs, and (once answered) who decided, when, and how it ended. Its id is the id of the decision
/// that asked, so the decision log and the approval queue point at each other.
/// </summary>
public sealed record ApprovalRequest
{
    public required string Id { get; init; }

    public required string Service { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>An operator must answer before this; the policy's <c>approval.timeout</c> after the request.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The actual fleet when the change was asked for; an approved change is refused if the fleet moved since.</summary>
    public required Fleet Before { get; init; }

    public required Fleet Target { get; init; }

    public double ServerlessRpsBefore { get; init; }

    public double ServerlessRps { get; init; }

    public required decimal HourlyCostBefore { get; init; }

    public required decimal HourlyCostAfter { get; init; }

    public decimal HourlyCostDelta => HourlyCostAfter - HourlyCostBefore;

    public required int InstancesAdded { get; init; }

    public required int InstancesRemoved { get; init; }

    /// <summary>The strategy that wanted the change and its reason, as logged with the decision.</summary>
    public required string Strategy { get; init; }

    public required string Reason { get; init; }

    public ApprovalStatus Status { get; init; } = ApprovalStatus.Pending;

    /// <summary>The API key id that approved or rejected it, or <c>system</c> when the loop expired or superseded it.</summary>
    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>The operator's comment, or why the system closed it.</summary>
    public string? Note { get; init; }

    /// <summary>When an approved change was applied or refused.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>What became of an approved change (the apply's message, or why it was stale).</summary>
    public string? Resolution { get; init; }

    public string? AppliedDecisionId { get; init; }
}
