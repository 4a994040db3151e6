namespace Dso.Policies;

/// <summary>
/// The outer bounds every policy value is checked against, and scenario files with them: far beyond any real service,
/// close enough that a typo (a year's boot delay, a price past decimal's range) is an error, not an overflow.
/// </summary>
public static class PolicyLimits
{
    /// <summary>Most any amount of money may be (USD a month, an hour, a GB-second): a month's worth stays within <see cref="decimal"/>.</summary>
    public const decimal MaxMoney = 1_000_000_000m;

    /// <summary>Longest duration any field takes: a year. Longer would overflow dates downstream.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(366);

    /// <summary>Longest tick: a day. A service decided less often than that is not autoscaled.</summary>
    public static readonly TimeSpan MaxTick = TimeSpan.FromDays(1);

    /// <summary>Longest boot delay: six hours (the planner weighs every tick of it).</summary>
    public static readonly TimeSpan MaxBootDelay = TimeSpan.FromHours(6);

    /// <summary>Most ticks a boot may span: the planner plans one row per tick of it.</summary>
    public const int MaxBootTicks = 2880;

    /// <summary>Longest service name: it names a directory, a URL segment, a metric label and a cloud group.</summary>
    public const int MaxNameLength = 100;
}
