using Dso.Abstractions.Approvals;

namespace Dso.Reconcile.Approvals;

/// <summary>What became of an operator's approve or reject: taken, no such request, or already answered (or expired).</summary>
public sealed record ApprovalAnswer(ApprovalAnswerKind Kind, ApprovalRequest? Request, string Message)
{
    public static ApprovalAnswer NotFound(string id) => new(ApprovalAnswerKind.NotFound, null, $"no approval request with id '{id}'");
}

public enum ApprovalAnswerKind
{
    /// <summary>The answer was recorded.</summary>
    Taken,

    NotFound,

    /// <summary>The request is no longer pending (answered, expired, superseded, applied); nothing changed.</summary>
    NotPending,
}
