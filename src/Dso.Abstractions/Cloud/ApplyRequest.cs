using Dso.Abstractions.Catalog;

namespace Dso.Abstractions.Cloud;

/// <summary>Converge <paramref name="ScaleGroup"/> to <paramref name="Desired"/>; the key makes a retry a no-op.</summary>
public sealed record ApplyRequest(string ScaleGroup, Fleet Desired, string IdempotencyKey)
{
    /// <summary>Requests/s to route to the group's serverless offering (0 = none, or none declared).</summary>
    public double ServerlessRps { get; init; }
}
