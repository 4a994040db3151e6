using Dso.Abstractions.Catalog;

namespace Dso.Cloud.Simulated;

/// <summary>How a simulated scale group behaves: its catalog, boot delay and billing minimum.</summary>
public sealed record SimulatedGroupSettings(InstanceCatalog Catalog, TimeSpan BootDelay, TimeSpan BillingMinimum, Fleet InitialFleet)
{
    /// <summary>Seed of the spot interruption draws: the same seed and the same launches give the same interruptions.</summary>
    public int InterruptionSeed { get; init; }

    /// <summary>The serverless offering requests may be routed to, billed per request and GB-second; null when none.</summary>
    public ServerlessOffering? Serverless { get; init; }
}
