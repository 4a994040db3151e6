using Dso.Abstractions.Metrics;
using Dso.Policies.Model;

namespace Dso.Reconcile;

/// <summary>
/// Treats a request rate of exactly zero, for a service that had traffic within the hold span, as a broken pipeline
/// rather than vanished users: exporters that die or lose their scrape target report flat zero, and scaling in on it
/// would take the service down just as traffic returns. Past the hold span the zeros are believed (the planner then
/// scales toward min_instances): holding an evening's fleet through a day-long site outage cost nasa-aug-outage
/// about a tenth of its budget, which its last hours of real traffic then lacked. A pipeline broken for longer than
/// the hold has had an hour of held-tick alerts by then.
/// </summary>
internal sealed class ZeroTrafficGuard
{
    /// <summary>Longer than any zero run of live traffic in the suite's traces (the longest, nasa-jul-launch, is 22 minutes).</summary>
    public static readonly TimeSpan DefaultHold = TimeSpan.FromHours(1);

    private DateTimeOffset? _lastTraffic;

    /// <summary>The policy's <c>metrics.zero_traffic_hold</c>, else <see cref="DefaultHold"/>.</summary>
    public static TimeSpan HoldFor(ServicePolicy policy) => policy.Metrics.ZeroTrafficHold ?? DefaultHold;

    /// <summary>
    /// What a tick does with <paramref name="reading"/>, updating this guard as it goes: the one rule both the loop and
    /// the sensing pipeline's prediction of it follow. <paramref name="demand"/> is the request rate when there is one.
    /// </summary>
    public ReadingUse Triage(KpiReading reading, TimeSpan hold, out double demand)
    {
        if (!reading.TryGet(KpiNames.RequestRate, out demand) || reading.Health == SourceHealth.Down)
        {
            return ReadingUse.Missing;
        }

        return LooksLikeOutage(reading.Timestamp, demand, hold) ? ReadingUse.ZeroTraffic : ReadingUse.Sense;
    }

    /// <summary>Whether a zero reading at <paramref name="at"/> is held as an outage; <paramref name="hold"/> is the policy's
    /// <c>metrics.zero_traffic_hold</c> (read every tick, so a reload takes effect at once).</summary>
    public bool LooksLikeOutage(DateTimeOffset at, double demand, TimeSpan hold)
    {
        if (demand > 0)
        {
            _lastTraffic = at;
            return false;
        }

        return _lastTraffic is { } last && at - last <= hold;
    }
}
