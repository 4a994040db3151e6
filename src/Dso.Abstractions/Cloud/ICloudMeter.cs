namespace Dso.Abstractions.Cloud;

/// <summary>
/// What a provider can say about a group beyond its instance counts: the capacity that actually served over
/// an interval and what it has billed. The simulated cloud knows both; the synthetic metric source and the
/// simulator read them through this seam, so neither depends on the simulated cloud itself. Real providers
/// do not implement it (serving capacity comes from real KPIs, spend from the bill).
/// </summary>
public interface ICloudMeter
{
    /// <summary>Requests/s the group served on average between <paramref name="start"/> and <paramref name="end"/>.</summary>
    double ServingCapacity(string scaleGroup, DateTimeOffset start, DateTimeOffset end);

    /// <summary>Everything the group has cost so far, in USD.</summary>
    decimal CostUsd(string scaleGroup);
}
