namespace Dso.Cloud.Simulated;

/// <summary>One simulated instance: billed from launch, serving from <see cref="ReadyAt"/>.</summary>
public sealed record SimulatedInstance(string Type, DateTimeOffset LaunchedAt, DateTimeOffset ReadyAt);
