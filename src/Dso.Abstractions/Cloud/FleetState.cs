using Dso.Abstractions.Catalog;

namespace Dso.Abstractions.Cloud;

/// <summary>
/// The actual state of a scale group: all instances that are billed (<see cref="Fleet"/>) and those already
/// serving (<see cref="Ready"/>); the difference is still booting.
/// </summary>
public sealed record FleetState(string ScaleGroup, Fleet Fleet, Fleet Ready, string? LastAppliedKey)
{
    /// <summary>Requests/s currently routed to the serverless offering.</summary>
    public double ServerlessRps { get; init; }
}
