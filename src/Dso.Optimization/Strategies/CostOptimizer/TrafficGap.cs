namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Recognises a gap in traffic (an outage, a site taken down, a pipeline reporting flat zero) and the recovery after
/// it, so the outlook does not learn from either. Demand of exactly zero for <see cref="GapSpan"/> or longer is a gap;
/// the <see cref="RecoverySpan"/> after traffic returns is a recovery. Neither says how demand relates to the
/// features in normal running: a recovery ramp from nothing to a day's level looks like a 3x surprise to every
/// feature, and a week of calibration that holds it fits multipliers that overshoot for days. The forecaster's
/// intervals, normalised by a noise level the zeros drove to nothing, come out several times too wide until its
/// residual window has seen traffic again (nasa-aug-outage: p98 of 13,000 rps for a 1,900 rps afternoon).
/// A gap where the same hours one day earlier were also without traffic (a service idle every night) is the
/// service's rhythm, not an outage: the seasonal features and the forecaster know it, and nothing is set aside.
/// </summary>
internal sealed class TrafficGap
{
    /// <summary>Exact zeros for this long are a gap, not quiet traffic (no trace in the suite is zero 30 min at a stretch otherwise).</summary>
    public static readonly TimeSpan GapSpan = TimeSpan.FromHours(1);

    /// <summary>
    /// How long after a gap the outlook neither calibrates nor trusts the forecast: the forecaster's residual window
    /// (600 one-minute residuals) and the day-ago features both still see the gap well into the next half day.
    /// </summary>
    public static readonly TimeSpan RecoverySpan = TimeSpan.FromHours(12);

    private readonly long _gapTicks;
    private readonly long _recoveryTicks;
    private readonly long _dayTicks;
    private long _zeroRun;
    private bool _outage;
    private long _sinceGap = long.MaxValue;

    public TrafficGap(TimeSpan tick)
    {
        _gapTicks = Math.Max(1, (long)Math.Ceiling(GapSpan / tick));
        _recoveryTicks = Math.Max(1, (long)Math.Ceiling(RecoverySpan / tick));
        _dayTicks = tick <= TimeSpan.FromDays(1) ? (long)Math.Round(TimeSpan.FromDays(1) / tick) : 0;
    }

    /// <summary>True while in an outage or the recovery after one: the outlook's calibration and the forecast feature are set aside.</summary>
    public bool Quarantined => _outage || _sinceGap <= _recoveryTicks;

    /// <summary>Records the latest tick's demand, already added to <paramref name="history"/>.</summary>
    public void Observe(double demand, DemandHistory history)
    {
        if (double.IsFinite(demand) && demand <= 0)
        {
            _zeroRun++;
            if (_zeroRun == _gapTicks)
            {
                // The same span a day earlier: traffic there (or no record of it) makes this an outage.
                var start = history.Latest - _gapTicks + 1;
                var before = _dayTicks > 0 ? history.PeakBetween(start - _dayTicks, history.Latest - _dayTicks) : double.NaN;
                _outage = !(before <= 0);
            }

            return;
        }

        if (_outage)
        {
            _sinceGap = 0;
            _outage = false;
        }
        else if (_sinceGap != long.MaxValue)
        {
            _sinceGap++;
        }

        _zeroRun = 0;
    }

    internal void Save(State.StateWriter w)
    {
        w.Write(_zeroRun);
        w.Write(_outage);
        w.Write(_sinceGap);
    }

    internal void Load(State.StateReader r)
    {
        _zeroRun = r.Long();
        _outage = r.Bool();
        _sinceGap = r.Long();
    }
}
