namespace Dso.Reconcile;

/// <summary>
/// Spend so far, accrued tick by tick: the interval since the previous tick at the hourly price of the fleet read
/// now (which has run since the previous tick's apply). One running total per calendar month keeps it small.
/// </summary>
internal sealed class BudgetLedger
{
    private readonly List<(DateTimeOffset At, decimal Usd)> _entries = [];
    private DateTimeOffset? _last;

    /// <summary>Continues from durable records: <paramref name="usd"/> spent in the period, accrued up to <paramref name="accruedUntil"/>.</summary>
    public void Restore(DateTimeOffset accruedUntil, decimal usd)
    {
        _entries.Clear();
        _entries.Add((accruedUntil, usd));
        _last = accruedUntil;
    }

    /// <summary>Accrues up to <paramref name="now"/>; returns what was added (null on the first call or when time did not move).</summary>
    public (DateTimeOffset From, decimal Usd)? Accrue(DateTimeOffset now, decimal hourlyUsd)
    {
        if (_last is not { } last)
        {
            _last = now;
            return null;
        }

        if (now <= last)
        {
            return null;
        }

        var usd = hourlyUsd * (decimal)(now - last).TotalHours;
        if (_entries.Count > 0 && _entries[^1].At.Month == now.Month && _entries[^1].At.Year == now.Year)
        {
            _entries[^1] = (now, _entries[^1].Usd + usd);
        }
        else
        {
            _entries.Add((now, usd));
        }

        _last = now;
        return (last, usd);
    }

    public decimal SpentSince(DateTimeOffset start)
    {
        var total = 0m;
        foreach (var (at, usd) in _entries)
        {
            if (at >= start)
            {
                total += usd;
            }
        }

        return total;
    }
}
