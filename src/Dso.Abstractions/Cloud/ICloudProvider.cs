using Dso.Abstractions.Catalog;

namespace Dso.Abstractions.Cloud;

/// <summary>
/// A cloud adapter, level-based: it reports the actual fleet of a scale group and converges it to a desired
/// fleet. Applying the same request twice (same idempotency key) must not launch or stop anything twice.
/// </summary>
public interface ICloudProvider
{
    /// <summary>The name policies use to pick this provider (e.g. "simulated", "aws").</summary>
    string Name { get; }

    Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken);

    Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken);
}
