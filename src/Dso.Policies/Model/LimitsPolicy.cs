namespace Dso.Policies.Model;

/// <summary>Bounds every plan must respect, whatever strategy made it.</summary>
public sealed record LimitsPolicy
{
    public int MinInstances { get; init; } = 1;

    public int MaxInstances { get; init; } = 100;

    /// <summary>Most instances added or removed in one tick.</summary>
    public int MaxStepPerTick { get; init; } = 50;

    public TimeSpan ScaleUpCooldown { get; init; } = TimeSpan.Zero;

    /// <summary>Scale-in only to the largest fleet wanted during this window (HPA's stabilization).</summary>
    public TimeSpan ScaleDownStabilization { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A deliberate ceiling on hourly spend (de-scalability cap), if set.</summary>
    public decimal? MaxHourlyUsd { get; init; }
}
