namespace Dso.Policies.Model;

/// <summary>
/// How much of a service may run on spot: at most <see cref="MaxShare"/> of its capacity, and never fewer than
/// <see cref="OnDemandMin"/> on-demand instances, so an interruption wave leaves a floor that still serves.
/// </summary>
public sealed record SpotPolicy
{
    /// <summary>Used when the policy names no floor: one on-demand instance survives any interruption wave.</summary>
    public const int DefaultOnDemandMin = 1;

    /// <summary>Largest fraction (0..1) of the fleet's capacity that may be spot.</summary>
    public required double MaxShare { get; init; }

    /// <summary>Fewest on-demand instances the fleet keeps.</summary>
    public int OnDemandMin { get; init; } = DefaultOnDemandMin;
}
