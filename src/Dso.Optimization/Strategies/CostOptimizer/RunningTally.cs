namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Spend and unserved requests of a fleet so far, accounted per tick interval: the fleet billed and the capacity
/// ready during the interval that ends at a tick, against the demand observed for it. The optimizer keeps one for
/// itself and one for the reactive rule, so a decision can say what the optimizer saved or risked against it.
/// </summary>
internal sealed class RunningTally
{
    private DateTimeOffset _last = DateTimeOffset.MinValue;

    public decimal SpentUsd { get; private set; }

    /// <summary>Requests (rps × seconds) left unserved.</summary>
    public double Unserved { get; private set; }

    /// <summary>Requests (rps × seconds) seen.</summary>
    public double Demand { get; private set; }

    /// <summary>Unserved share of the requests seen so far (0 before any).</summary>
    public double UnservedShare => Demand > 0 ? Unserved / Demand : 0;

    /// <summary>Accounts the interval since the previous tick (nothing on the first).</summary>
    public void Add(DateTimeOffset now, decimal hourlyUsd, double readyCapacity, double demand)
    {
        if (_last != DateTimeOffset.MinValue && now > _last)
        {
            var seconds = (now - _last).TotalSeconds;
            demand = double.IsFinite(demand) ? Math.Max(0, demand) : 0;
            SpentUsd += hourlyUsd * (decimal)seconds / 3600m;
            Unserved += Math.Max(0, demand - readyCapacity) * seconds;
            Demand += demand * seconds;
        }

        _last = now;
    }

    /// <summary>The totals so far, to accrue what one tick added elsewhere (<see cref="Accrue"/>).</summary>
    public (decimal Spent, double Unserved, double Demand) Totals => (SpentUsd, Unserved, Demand);

    /// <summary>Adds what <paramref name="source"/> accounted since its totals were <paramref name="before"/>.</summary>
    public void Accrue(RunningTally source, (decimal Spent, double Unserved, double Demand) before)
    {
        SpentUsd += source.SpentUsd - before.Spent;
        Unserved += source.Unserved - before.Unserved;
        Demand += source.Demand - before.Demand;
    }

    public string Describe() => FormattableString.Invariant($"${SpentUsd:0.00}, {UnservedShare * 100:0.00}% unserved");

    internal void Save(State.StateWriter w)
    {
        w.Write(_last);
        w.Write(SpentUsd);
        w.Write(Unserved);
        w.Write(Demand);
    }

    internal void Load(State.StateReader r)
    {
        _last = r.Time();
        SpentUsd = r.Decimal();
        Unserved = r.Double();
        Demand = r.Double();
    }
}
