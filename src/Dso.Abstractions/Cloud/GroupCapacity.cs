namespace Dso.Abstractions.Cloud;

/// <summary>
/// What one provider group holds now: the instances it has asked for or is billed for (<paramref name="Capacity"/>),
/// those already serving (<paramref name="Ready"/>), and the decision that last changed it (from its tag or
/// annotation) with when, so a restarted service knows what was last applied.
/// </summary>
public sealed record GroupCapacity(string Offering, string Group, int Capacity, int Ready, string? LastAppliedKey, DateTimeOffset? LastAppliedAt);
