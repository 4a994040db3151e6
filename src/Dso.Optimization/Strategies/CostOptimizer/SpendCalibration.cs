namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// What serving a rps of demand has really cost this period, against what the budget ceiling's price model said it
/// would. The model prices demand up to the ceiling at the best usable price per rps; the fleet actually billed also
/// holds capacity over the troughs (headroom, scale-in lag, billing minimums), boots before it serves and mixes
/// dearer types. On a bursty stream the billed dollars ran 15-25 % over the model, so a ceiling solved with the model
/// spent the month's money early and fell from 1461 to 556 rps by its end (quick suite, twitter-early). The ratio of
/// the two, learned from the spend ledger since the period began, makes the ceiling what the policy can really hold
/// to the period's end: lower at first, level through the month.
/// </summary>
internal sealed class SpendCalibration
{
    /// <summary>
    /// Bounds on the ratio. Never below 1: a fleet billed under the model (tight packing under a high floor) does not
    /// make demand above the ceiling cheaper to serve; raising the ceiling on it left 2 points more unserved on the
    /// quick suite's google-cpu. At most 2: a few odd hours must not swing the ceiling further.
    /// </summary>
    internal const double MinRatio = 1.0;

    internal const double MaxRatio = 2.0;

    private readonly PeriodLedger _ledger = new();
    private double _billedUsd;
    private double _modeledUsd;

    /// <summary>Modeled dollars accounted so far this period (tests).</summary>
    internal double ModeledUsd => _modeledUsd;

    /// <summary>
    /// Accounts the interval since the previous tick: what the model says serving the demand the fleet really served
    /// (<paramref name="demand"/> up to the <paramref name="readyCapacity"/>) cost at <paramref name="usdPerRps"/>, never
    /// less than the floor fleet. Served, not demanded: a budget that cut demand also billed less, and counting the
    /// demand it dropped would make serving look cheaper than it is. A new budget period starts the account afresh.
    /// </summary>
    /// <param name="excluded">
    /// True for a tick whose bill says nothing about what serving costs under a binding budget: an anomaly holds the
    /// fleet (a 38-hour outage held at full fleet had priced every later rps at twice the model), or the budget did not
    /// bind (a covered service buys coverage headroom that a binding budget drops).
    /// </param>
    public void Observe(BudgetWindow budget, DateTimeOffset now, double demand, double readyCapacity, double usdPerRps, double floorHourly, bool excluded = false)
    {
        if (_ledger.Advance(budget, now) is not (var billed, var hours))
        {
            (_billedUsd, _modeledUsd) = (0, 0);
            return;
        }

        if (hours > 0 && !excluded)
        {
            _billedUsd += billed;
            var served = double.IsFinite(demand) ? Math.Max(0, demand) : 0;
            served = Math.Min(served, Math.Max(0, readyCapacity));

            _modeledUsd += Math.Max(floorHourly, served * usdPerRps) * hours;
        }
    }

    /// <summary>Billed spend this period over the modeled spend, within [<see cref="MinRatio"/>, <see cref="MaxRatio"/>]; 1 until anything is modeled.</summary>
    public double Ratio(BudgetWindow budget)
    {
        if (!_ledger.Reads(budget) || !(_modeledUsd > 0))
        {
            return 1;
        }

        return Math.Clamp(_billedUsd / _modeledUsd, MinRatio, MaxRatio);
    }

    internal void Save(State.StateWriter w)
    {
        _ledger.Save(w);
        w.Write(_billedUsd);
        w.Write(_modeledUsd);
    }

    internal void Load(State.StateReader r)
    {
        _ledger.Load(r);
        _billedUsd = r.Double();
        _modeledUsd = r.Double();
    }
}
