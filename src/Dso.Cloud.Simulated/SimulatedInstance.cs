namespace Dso.Cloud.Simulated;

/// <summary>One simulated instance: billed from launch, serving from <see cref="ReadyAt"/>.</summary>
public sealed record SimulatedInstance(string Type, DateTimeOffset LaunchedAt, DateTimeOffset ReadyAt)
{
    /// <summary>When the provider reclaims it (spot only): it stops serving and billing then, and leaves the group.</summary>
    public DateTimeOffset? InterruptAt { get; init; }
}
