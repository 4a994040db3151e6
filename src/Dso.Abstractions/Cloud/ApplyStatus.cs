namespace Dso.Abstractions.Cloud;

public enum ApplyStatus
{
    /// <summary>The group now has (or is booting towards) the desired fleet.</summary>
    Applied,

    /// <summary>The desired fleet was already in place, or this key was applied before.</summary>
    NoChange,

    /// <summary>Only part of the change went through (e.g. capacity shortage); <see cref="ApplyResult.After"/> says what.</summary>
    Partial,

    /// <summary>Nothing changed; a retry may succeed.</summary>
    Failed,

    /// <summary>The service runs in dry-run mode: the decision was logged ("would apply"), no mutating call was made.</summary>
    DryRun,

    /// <summary>The service runs in approve mode and the change is above its threshold: it waits in the approval queue, nothing was applied.</summary>
    AwaitingApproval,

    /// <summary>The service runs in approve mode and an operator rejected this change recently: nothing was applied.</summary>
    Rejected,
}
