namespace Dso.Abstractions.Metrics;

public enum SourceHealth
{
    Healthy,

    /// <summary>Some KPIs are missing or stale.</summary>
    Degraded,

    /// <summary>No usable data: the loop holds its last decision (or follows the policy's fallback).</summary>
    Down,
}
