namespace Dso.Reconcile;

/// <summary>
/// Spend so far, accrued tick by tick from the billed fleet's hourly price (the cloud bills the same way).
/// Kept per service; a new budget period starts from the spend accrued inside it.
/// </summary>
internal sealed class BudgetLedger
{
    private readonly List<(DateTimeOffset At, decimal Usd)> _entries = [];
    private DateTimeOffset? _last;
    private decimal _lastHourly;

    public void Accrue(DateTimeOffset now, decimal hourlyUsd)
    {
        if (_last is { } last && now > last)
        {
            var usd = _lastHourly * (decimal)(now - last).TotalHours;
            if (_entries.Count > 0 && _entries[^1].At.Month == now.Month && _entries[^1].At.Year == now.Year)
            {
                // One running total per calendar month keeps the ledger small over long runs.
                _entries[^1] = (now, _entries[^1].Usd + usd);
            }
            else
            {
                _entries.Add((now, usd));
            }
        }

        _last = now;
        _lastHourly = hourlyUsd;
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
