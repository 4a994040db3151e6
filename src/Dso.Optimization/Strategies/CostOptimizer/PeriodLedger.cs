namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Reads the spend ledger tick by tick within one budget period: what was billed since the previous tick and how long
/// that interval was. <see cref="SpendCalibration"/> and <see cref="FleetOverhead"/> both set the bill of each interval
/// against a model of it; this is the part they share.
/// </summary>
internal sealed class PeriodLedger
{
    private DateTimeOffset _last = DateTimeOffset.MinValue;
    private decimal _spentAtLast;

    /// <summary>Start of the period being read (<see cref="DateTimeOffset.MinValue"/> before the first tick).</summary>
    public DateTimeOffset Period { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Whether <paramref name="budget"/> is the period being read.</summary>
    public bool Reads(BudgetWindow budget) => budget.Start == Period;

    /// <summary>
    /// Moves to <paramref name="now"/>: the dollars billed since the previous tick and the hours between the two, or
    /// null when <paramref name="budget"/> starts a new period (the reading starts afresh at this tick: the caller resets
    /// its account).
    /// </summary>
    public (double BilledUsd, double Hours)? Advance(BudgetWindow budget, DateTimeOffset now)
    {
        if (budget.Start != Period)
        {
            (Period, _last, _spentAtLast) = (budget.Start, now, budget.SpentUsd);
            return null;
        }

        var billed = (double)(budget.SpentUsd - _spentAtLast);
        var hours = (now - _last).TotalHours;
        (_last, _spentAtLast) = (now, budget.SpentUsd);
        return (billed, hours);
    }

    internal void Save(State.StateWriter w)
    {
        w.Write(_last);
        w.Write(_spentAtLast);
        w.Write(Period);
    }

    internal void Load(State.StateReader r)
    {
        _last = r.Time();
        _spentAtLast = r.Decimal();
        Period = r.Time();
    }
}
