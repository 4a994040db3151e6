namespace Dso.Reconcile;

/// <summary>
/// Treats a request rate of exactly zero, for a service that had traffic within the look-back window, as a
/// broken pipeline rather than vanished users: exporters that die or lose their scrape target report flat zero,
/// and scaling in on it would take the service down just as traffic returns.
/// </summary>
internal sealed class ZeroTrafficGuard(TimeSpan lookBack)
{
    public static readonly TimeSpan DefaultLookBack = TimeSpan.FromHours(1);

    private DateTimeOffset? _lastTraffic;

    public bool LooksLikeOutage(DateTimeOffset at, double demand)
    {
        if (demand > 0)
        {
            _lastTraffic = at;
            return false;
        }

        return _lastTraffic is { } last && at - last <= lookBack;
    }
}
