namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// How much more than its demand at the best usable price per rps the fleet the planner buys has really cost this
/// period: headroom for the coverage quantile, capacity booted ahead of a rise and held through the scale-down window,
/// instance granularity, dearer types while cheaper ones boot, billing minimums. The budget ceiling multiplies the
/// demand seen so far by it, so that the spend it plans for a ceiling is the spend the planner will really make
/// (a bursty stream's fleet cost 1.3-1.5 × the catalog's price of its demand; priced at 1.1 × a binding budget looked
/// roomy and the first days spent what the last ones needed).
/// Learned only from ticks on which the budget's hourly cap did not bite: there the fleet is what the planner wants for
/// the demand; where the cap bit, the bill says what the budget allowed, not what the demand would have cost.
/// </summary>
internal sealed class FleetOverhead
{
    /// <summary>Bounds on the ratio: below 1 the floor fleet and packing are already in the model; above 3 a few odd hours would decide.</summary>
    internal const double MinRatio = 1.0;

    internal const double MaxRatio = 3.0;

    /// <summary>Hours of accounted ticks the prior (no overhead) weighs as much as: a day's rhythm.</summary>
    internal const double PriorHours = 24;

    /// <summary>A tick billed at this share of the cap or more is one the cap bit on.</summary>
    internal const double CapBite = 0.95;

    /// <summary>Modeled dollars needed before the ratio is believed (about an hour of a small fleet).</summary>
    private const double MinModeledUsd = 0.05;

    private readonly PeriodLedger _ledger = new();
    private double _billedUsd;
    private double _modeledUsd;
    private double _hours;

    /// <summary>Modeled dollars accounted so far this period (tests).</summary>
    internal double ModeledUsd => _modeledUsd;

    /// <summary>Hours accounted so far this period (tests).</summary>
    internal double Hours => _hours;

    /// <summary>
    /// Accounts the interval since the previous tick: what the bill says the fleet cost, against the demand observed
    /// at the model's price, unless the interval's hourly cap (<paramref name="capHourly"/>, null = none) bit or an
    /// anomaly held the fleet (<paramref name="excluded"/>). Demand, not served demand: the ceiling is solved over
    /// demand, and the fleet's shortfall against it (a boot too late for a burst) is part of what a rps costs to chase.
    /// </summary>
    public void Observe(BudgetWindow budget, DateTimeOffset now, double demand, double usdPerRps, double floorHourly, decimal? capHourly, bool excluded)
    {
        if (_ledger.Advance(budget, now) is not (var billed, var hours))
        {
            (_billedUsd, _modeledUsd, _hours) = (0, 0, 0);
            return;
        }

        if (hours <= 0 || excluded || !double.IsFinite(demand))
        {
            return;
        }

        if (capHourly is { } cap && billed / hours >= (double)cap * CapBite)
        {
            return;
        }

        _billedUsd += billed;
        _hours += hours;
        _modeledUsd += Math.Max(floorHourly, Math.Max(0, demand) * usdPerRps) * hours;
    }

    /// <summary>Billed over modeled spend on the ticks accounted, within [<see cref="MinRatio"/>, <see cref="MaxRatio"/>] (1 until anything is modeled).</summary>
    internal double RawRatio => _modeledUsd > 0 ? Math.Clamp(_billedUsd / _modeledUsd, MinRatio, MaxRatio) : 1;

    /// <summary>
    /// <see cref="RawRatio"/> shrunk toward 1 with the weight of <see cref="PriorHours"/>: 1 until enough is modeled,
    /// then closer to the raw ratio as hours are accounted.
    /// </summary>
    public double Ratio(BudgetWindow budget)
    {
        if (!_ledger.Reads(budget) || !(_modeledUsd >= MinModeledUsd))
        {
            return 1;
        }

        // Shrunk toward 1 by a day's weight: the first hours' fleet (a morning's ramp held at the coverage quantile)
        // can cost 1.8 x its demand where the settled fleet costs 1.3 x, and a ceiling priced on them cut a covered
        // service's first evening (nasa-aug-outage in the quick suite: 1.42 -> 1.66 % unserved unshrunk, 1.38 % with).
        return 1 + ((RawRatio - 1) * _hours / (_hours + PriorHours));
    }

    internal void Save(State.StateWriter w)
    {
        _ledger.Save(w);
        w.Write(_billedUsd);
        w.Write(_modeledUsd);
        w.Write(_hours);
    }

    internal void Load(State.StateReader r)
    {
        _ledger.Load(r);
        _billedUsd = r.Double();
        _modeledUsd = r.Double();
        _hours = r.Double();
    }
}
