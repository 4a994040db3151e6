namespace Dso.Abstractions.Approvals;

/// <summary>
/// The durable queue of changes waiting for an operator, kept beside the decision log (same store), so a
/// restarted process or another replica sees the same pending approvals. Changes of state are compare-and-set:
/// two operators (or an operator and the loop) answering at once cannot both win.
/// </summary>
public interface IApprovalQueue
{
    /// <summary>Stores a new request; false when one with this id exists already (a re-applied decision).</summary>
    Task<bool> AddApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken);

    Task<ApprovalRequest?> FindApprovalAsync(string id, CancellationToken cancellationToken);

    /// <summary>Requests matching the query, newest request first.</summary>
    Task<IReadOnlyList<ApprovalRequest>> ApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stored request with <paramref name="updated"/> (same id) only if its status is still
    /// <paramref name="expected"/>; false when someone else changed it first.
    /// </summary>
    Task<bool> UpdateApprovalAsync(ApprovalRequest updated, ApprovalStatus expected, CancellationToken cancellationToken);
}
