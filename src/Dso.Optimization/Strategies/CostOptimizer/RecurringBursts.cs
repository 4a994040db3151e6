namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Learns bursts that recur on a clock: a job or feed that fires at the same minutes past the hour, though not
/// every time (the twitter trace bursts at :02 or :32, usually two hours apart, sometimes one and a half or
/// two and a half). Such a burst is shorter than what a reactive rule can boot for, and too rare to cover all the
/// time, but it is predictable: onsets concentrate at one phase of a short period, and the number of slots since
/// the last one says how likely the next slot is (a renewal process: right after a burst, nearly never).
/// <para>
/// Online and causal: onsets are found as demand first reaching <see cref="OnsetRatio"/> × the median of the
/// preceding hour; the phase with the most onsets, over candidate periods, is trusted only when it holds most of
/// them (far above chance). The feature for a coming tick is the expected burst peak (median peak ratio × the
/// current base) weighted by the hazard of its slot, so a near-certain slot counts in full and an unlikely one
/// barely; the envelope calibrator decides from its own record how far to trust it. Zero outside burst windows,
/// when no clock is found, or when a slot's onset window has passed without a burst.
/// </para>
/// <para>
/// A clock has one onset per slot. Jobs that fire at several minutes of every hour (an EC2 instance's network-in
/// spiking 13x at :59 and again at :09, every hour for days) are read from a second model, the hour's burst
/// occupancy: for each tick of the hour, the share of the latest <see cref="ProfilePeriods"/> hours in which that tick
/// was inside a short burst. A tick in a burst in most of them (<see cref="ProfileMinShare"/>) is expected to burst
/// again, at the median peak ratio of those bursts; the clock's feature is the higher of the two.
/// </para>
/// </summary>
internal sealed class RecurringBursts
{
    /// <summary>Demand at least this multiple of the base opens a burst.</summary>
    public const double OnsetRatio = 2.0;

    /// <summary>A burst ends when demand falls below this multiple of the base it started from.</summary>
    private const double EndRatio = 1.5;

    /// <summary>Candidate periods, in minutes: the clock jobs run on (at most an hour; daily cycles are seasonality).</summary>
    private static readonly int[] PeriodMinutes = [10, 15, 20, 30, 60];

    /// <summary>Ticks per period needed to tell phases apart.</summary>
    private const int MinTicksPerPeriod = 6;

    /// <summary>Onsets a phase must have seen before it is trusted.</summary>
    private const int MinOnsets = 6;

    /// <summary>Share of onsets the best phase window must hold (and several times what chance would give).</summary>
    private const double MinConcentration = 0.6;

    /// <summary>Latest onsets the phase is read from: about a day of a two-hourly clock, so a slow drift is followed.</summary>
    private const int PhaseOnsets = 12;

    /// <summary>Onsets and gaps remembered: about a week of a two-hourly clock, so the model follows a change of schedule.</summary>
    private const int MaxOnsets = 80;

    /// <summary>Periods (hours) the occupancy profile is read over: a day.</summary>
    internal const int ProfilePeriods = 24;

    /// <summary>Fewest periods seen before the profile is trusted.</summary>
    private const int ProfileMinPeriods = 6;

    /// <summary>Share of the periods a tick must have been in a burst to be expected in one again.</summary>
    internal const double ProfileMinShare = 0.5;

    /// <summary>
    /// At most this share of all ticks in bursts: more is a level, not bursts on a clock (a burst whose base froze
    /// before a lasting rise stays open, and would mark every tick).
    /// </summary>
    private const double ProfileMaxOccupancy = 0.5;

    /// <summary>Ticks of the base window (the median of the latest hour of non-burst demand).</summary>
    private readonly int _baseTicks;

    /// <summary>Ticks per profile period (the longest candidate clock, an hour; 0 when the tick is too coarse for one).</summary>
    private readonly int _profilePeriod;

    /// <summary>Whether each of the latest <see cref="ProfilePeriods"/> periods' ticks was inside a short burst (a ring by tick).</summary>
    private readonly bool[] _inBurst;

    /// <summary>Median peak over base of the bursts that ended within the profile's window (NaN before any).</summary>
    private double _profileRatio = double.NaN;

    /// <summary>Ticks of the ring marked as in a burst.</summary>
    private int _marked;

    /// <summary>Whether the profile is trusted as of the latest tick (see <see cref="ProfileTrusted"/>).</summary>
    private bool _profileTrusted;

    private readonly int[] _periods;
    private readonly double[] _recent;
    private readonly double[] _sorted;
    private readonly List<Burst> _bursts = [];
    private readonly List<long> _gaps = [];
    private Burst? _lastOnClock;
    private long _tick = -1;
    private int _recentCount;
    private Burst? _open;
    private Clock? _clock;

    public RecurringBursts(TimeSpan tick)
    {
        var minutes = tick.TotalMinutes;
        _periods = [.. PeriodMinutes.Select(p => p / minutes).Where(p => p >= MinTicksPerPeriod && Math.Abs(p - Math.Round(p)) < 1e-9).Select(p => (int)Math.Round(p))];
        _baseTicks = Math.Max(8, (int)Math.Round(60 / minutes));
        _recent = new double[_baseTicks];
        _sorted = new double[_baseTicks];
        _profilePeriod = _periods.Length > 0 ? _periods.Max() : 0;
        _inBurst = new bool[_profilePeriod * ProfilePeriods];
    }

    /// <summary>The clock found and the profile's expected ticks, for explanations; null while neither is trusted.</summary>
    public string? Describe()
    {
        var clock = _clock is { } c
            ? FormattableString.Invariant($"recurring burst on a {c.Period}-tick clock at phase {c.Phase} ({c.Concentration * 100:0}% of {c.Onsets} recent onsets, peak x{c.PeakRatio:0.0} the base)")
            : null;
        var expected = ProfileTicks();
        var profile = expected.Count > 0
            ? FormattableString.Invariant($"bursts at tick{(expected.Count > 1 ? "s" : "")} {string.Join(", ", expected)} of every {_profilePeriod}-tick period in most of the latest {ProfilePeriods} (peak x{_profileRatio:0.0} the base)")
            : null;
        return clock is not null && profile is not null ? $"{clock}; {profile}" : clock ?? profile;
    }

    public bool Active => _clock is not null;

    /// <summary>Current base: the median of the latest hour of demand outside bursts.</summary>
    public double Base { get; private set; }

    /// <summary>
    /// Ticks of the latest burst on a trusted clock once it has ended, (-1, -1) otherwise: its peak need not hold the
    /// scale-down stabilization window, since the clock says the next one is a slot away.
    /// </summary>
    public (long From, long To) EndedBurst =>
        _clock is not null && _lastOnClock is { End: >= 0 } b && _open is null ? (b.Start, b.End) : (-1, -1);

    /// <summary>
    /// The latest burst once it has ended, while bursts like it are expected again: on the trusted clock, or a short one
    /// (under half the profile's period) at a tick of the period the trusted occupancy profile expects bursts on. Its
    /// ticks and the base it rose from; null otherwise (a burst under way, none yet, or nothing says it recurs there).
    /// </summary>
    public (long From, long To, double Base, bool Profiled)? EndedRecurring
    {
        get
        {
            if (_open is not null || _bursts.Count == 0 || _bursts[^1] is not { End: >= 0 } b)
            {
                return null;
            }

            var profiled = ProfiledBurst(b);
            return profiled || (b.OnClock && _clock is not null) ? (b.Start, b.End, b.Base, profiled) : null;
        }
    }

    /// <summary>A short burst at a tick of the period the trusted occupancy profile expects bursts on.</summary>
    private bool ProfiledBurst(Burst b) =>
        _profileTrusted && b.End - b.Start + 1 < _profilePeriod / 2 && Occupancy(b.Start) >= ProfileMinShare;

    /// <summary>
    /// While a burst on the trusted clock is under way: the ticks after the latest until it usually ends (its slot's
    /// median length) and the base it rose from; null otherwise.
    /// </summary>
    public (long Remaining, double Base)? OpenOnClock =>
        _clock is { } c && _open is { } open && ReferenceEquals(open, _lastOnClock)
            ? (Math.Max(0, open.Start + c.Duration - 1 - _tick), open.Base)
            : null;

    /// <summary>Records one tick's demand (ticks are consecutive).</summary>
    public void Observe(double demand)
    {
        _tick++;
        demand = double.IsFinite(demand) ? Math.Max(0, demand) : 0;
        ObserveBurst(demand);
        if (_inBurst.Length > 0)
        {
            // Only a short burst marks its ticks: a lasting rise is a level (and is left to the other features).
            var at = (int)(_tick % _inBurst.Length);
            _marked -= _inBurst[at] ? 1 : 0;
            _inBurst[at] = _open is { } o && _tick - o.Start < _profilePeriod / 2;
            _marked += _inBurst[at] ? 1 : 0;
        }

        _profileTrusted = ProfileTrusted();
    }

    /// <summary>
    /// Share of demand the bursts the profile expects carry above the base: f(r - 1) / (1 + f(r - 1)) for a share f of
    /// the period's ticks expected at r x the base (0 while the profile is not trusted). A 13x burst on 2 ticks of 12
    /// carries two thirds of the demand; a 2.5x spike on 1 minute of 60, 2 %.
    /// </summary>
    public double ProfileExcessShare
    {
        get
        {
            if (_shareAt != _tick)
            {
                (_share, _shareAt) = (ExcessShare(), _tick);
            }

            return _share;
        }
    }

    /// <summary>The tick <see cref="_share"/> was computed at (it is read only under a binding ceiling).</summary>
    private long _shareAt = long.MinValue;

    private double _share;

    /// <summary>
    /// Share of the period's ticks expected in bursts above which the profile describes a pattern of levels (a noisy
    /// series whose base lags its rises), not short bursts, and carries no share (see <see cref="ProfileExcessShare"/>).
    /// </summary>
    private const double MaxExpectedShare = 0.25;

    private double ExcessShare()
    {
        if (!_profileTrusted)
        {
            return 0;
        }

        var expected = ProfileTicks().Count / (double)_profilePeriod;
        if (expected > MaxExpectedShare)
        {
            return 0;
        }

        var excess = expected * Math.Max(0, _profileRatio - 1);
        return excess / (1 + excess);
    }

    private void ObserveBurst(double demand)
    {
        if (_open is { } open)
        {
            open.Peak = Math.Max(open.Peak, demand);
            if (demand < EndRatio * open.Base)
            {
                open.End = _tick - 1;
                _open = null;
                _profileRatio = ProfileRatio();
            }

            return;
        }

        if (_recentCount >= _baseTicks / 2 && Base > 0 && demand >= OnsetRatio * Base)
        {
            _open = new Burst(_tick, Base) { Peak = demand };
            OnOnset(_open);
            return;
        }

        _recent[_recentCount++ % _baseTicks] = demand;
        var n = Math.Min(_recentCount, _baseTicks);
        Array.Copy(_recent, _sorted, n);
        Array.Sort(_sorted, 0, n);
        Base = _sorted[n / 2];
    }

    /// <summary>
    /// Expected burst demand at the tick <paramref name="ahead"/> ticks from the latest when a burst is at least
    /// <paramref name="minHazard"/> likely then; 0 otherwise.
    /// </summary>
    public double Expected(int ahead, double minHazard) => Math.Max(ClockExpected(ahead, minHazard), ProfileExpected(ahead));

    /// <summary>
    /// The occupancy profile's expected burst demand <paramref name="ahead"/> ticks on: the profile's peak ratio x the
    /// base when that tick, or the next (a tick's lead, as the clock allows), was inside a burst in most of the latest
    /// periods; 0 otherwise.
    /// </summary>
    public double ProfileExpected(int ahead)
    {
        if (!_profileTrusted)
        {
            return 0;
        }

        var t = _tick + ahead;
        return Occupancy(t) >= ProfileMinShare || Occupancy(t + 1) >= ProfileMinShare ? _profileRatio * Base : 0;
    }

    /// <summary>Enough periods seen, a ratio known, and bursts (not a level) on at most half the ticks.</summary>
    private bool ProfileTrusted()
    {
        if (_inBurst.Length == 0 || _tick + 1 < (long)_profilePeriod * ProfileMinPeriods || !double.IsFinite(_profileRatio) || _profileRatio < OnsetRatio)
        {
            return false;
        }

        return _marked <= ProfileMaxOccupancy * Math.Min(_tick + 1, _inBurst.Length);
    }

    /// <summary>Share of the latest periods (up to <see cref="ProfilePeriods"/>) whose tick at the phase of <paramref name="t"/> was in a burst.</summary>
    private double Occupancy(long t)
    {
        int hits = 0, periods = 0;
        for (var w = 1; w <= ProfilePeriods; w++)
        {
            var past = t - ((long)w * _profilePeriod);
            if (past > _tick)
            {
                continue;
            }

            if (past < 0 || past <= _tick - _inBurst.Length)
            {
                break;
            }

            periods++;
            hits += _inBurst[past % _inBurst.Length] ? 1 : 0;
        }

        return periods >= ProfileMinPeriods ? hits / (double)periods : 0;
    }

    /// <summary>The ticks of the period the profile expects a burst on (for explanations).</summary>
    private List<int> ProfileTicks()
    {
        var ticks = new List<int>();
        if (!_profileTrusted)
        {
            return ticks;
        }

        for (var p = 0; p < _profilePeriod; p++)
        {
            // Phase p of the period, as the tick count since the first observation: the first future tick at it.
            var t = _tick + 1 + Mod(p - (_tick + 1), _profilePeriod);
            if (Occupancy(t) >= ProfileMinShare)
            {
                ticks.Add(p);
            }
        }

        return ticks;
    }

    /// <summary>Median peak over base of the bursts that ended within the profile's window; NaN when none did.</summary>
    private double ProfileRatio()
    {
        var ratios = _bursts.Where(b => b.End >= 0 && b.Start > _tick - _inBurst.Length).Select(b => b.Peak / Math.Max(b.Base, 1e-9)).Order().ToArray();
        return ratios.Length > 0 ? ratios[ratios.Length / 2] : double.NaN;
    }

    private double ClockExpected(int ahead, double minHazard)
    {
        if (_clock is not { } c || _lastOnClock is not { } last)
        {
            return 0;
        }

        // Slots are counted from the latest burst on the clock, so a clock that drifts a little is followed.
        var t = _tick + ahead;
        var slot = (long)Math.Round((t - last.Start) / (double)c.Period);
        var offset = t - last.Start - (slot * c.Period);
        if (offset < -1 || offset > c.Duration)
        {
            return 0;
        }

        if (slot <= 0)
        {
            // This slot's burst began: it is in the demand being observed and lasts about its usual length.
            return ReferenceEquals(_open, last) ? c.PeakRatio * last.Base : 0;
        }

        // The slot's onset has passed without a burst: none this slot.
        if (_tick > last.Start + (slot * c.Period) + 1)
        {
            return 0;
        }

        return c.Hazard(slot) >= minHazard ? c.PeakRatio * Base : 0;
    }

    private void OnOnset(Burst burst)
    {
        _bursts.Add(burst);
        if (_bursts.Count > MaxOnsets)
        {
            _bursts.RemoveAt(0);
        }

        _clock = FindClock();
        if (_clock is { } c && Math.Abs(Mod(burst.Start - c.Phase + 1, c.Period) - 1) <= 1)
        {
            if (_lastOnClock is { } previous)
            {
                _gaps.Add((long)Math.Round((burst.Start - previous.Start) / (double)c.Period));
                if (_gaps.Count > MaxOnsets)
                {
                    _gaps.RemoveAt(0);
                }
            }

            _lastOnClock = burst;
            burst.OnClock = true;
            _clock = c with { Gaps = [.. _gaps] };
        }
    }

    /// <summary>The period whose phase holds most of the latest onsets, far above chance; null when none does.</summary>
    private Clock? FindClock()
    {
        if (_bursts.Count < MinOnsets)
        {
            return null;
        }

        var recent = _bursts.Skip(Math.Max(0, _bursts.Count - PhaseOnsets)).ToList();
        Clock? best = null;
        foreach (var period in _periods)
        {
            var counts = new int[period];
            foreach (var b in recent)
            {
                counts[Mod(b.Start, period)]++;
            }

            // Best window of three adjacent phases (onsets jitter by a tick either way); ties go to the latest onset.
            var (phase, held) = (0, -1);
            for (var p = 0; p < period; p++)
            {
                var w = counts[Mod(p - 1, period)] + counts[p] + counts[Mod(p + 1, period)];
                if (w > held || (w == held && counts[p] > counts[phase]))
                {
                    (phase, held) = (p, w);
                }
            }

            var share = held / (double)recent.Count;
            if (held < MinOnsets || share < MinConcentration || share < 3 * (3.0 / period))
            {
                continue;
            }

            // Among periods that explain the onsets about equally well, the longest: its slots are fewer and surer.
            if (best is null || share >= best.Concentration - 0.05)
            {
                best = Build(period, phase, share, recent.Count);
            }
        }

        return best;
    }

    private Clock Build(int period, int phase, double share, int onsets)
    {
        var finished = _bursts.Where(b => b.OnClock && b.End >= 0).ToList();
        var ratios = finished.Select(b => b.Peak / Math.Max(b.Base, 1e-9)).Order().ToArray();
        var lengths = finished.Select(b => b.End - b.Start + 1).Order().ToArray();
        return new Clock(period, phase, share, onsets, ratios.Length > 0 ? ratios[ratios.Length / 2] : OnsetRatio,
            lengths.Length > 0 ? (int)Math.Min(lengths[lengths.Length / 2], period / 2) : 1, [.. _gaps]);
    }

    private static int Mod(long a, int m) => (int)(((a % m) + m) % m);

    private static long FloorDiv(long a, int m) => (long)Math.Floor(a / (double)m);

    private sealed class Burst(long start, double @base)
    {
        public long Start { get; } = start;

        public double Base { get; } = @base;

        public double Peak { get; set; }

        public long End { get; set; } = -1;

        public bool OnClock { get; set; }
    }

    private sealed record Clock(int Period, int Phase, double Concentration, int Onsets, double PeakRatio, int Duration, long[] Gaps)
    {
        /// <summary>
        /// Chance of a burst in the slot <paramref name="elapsed"/> slots after the last one, given none since: the
        /// share of gaps of exactly that length among those at least that long (smoothed; 1/2 beyond the longest seen).
        /// </summary>
        public double Hazard(long elapsed)
        {
            var atLeast = Gaps.Count(g => g >= elapsed);
            var exactly = Gaps.Count(g => g == elapsed);
            return (exactly + 0.5) / (atLeast + 1.0);
        }
    }

    internal void Save(State.StateWriter w)
    {
        w.Write(_tick);
        w.Write(_recentCount);
        w.Write(Base);
        w.Write(_inBurst);
        w.Write(_profileRatio);
        w.Write(_recent);
        w.Write(_sorted);
        w.Write(_bursts.Count);
        foreach (var b in _bursts)
        {
            Write(w, b);
        }

        w.Write(_gaps.Count);
        foreach (var g in _gaps)
        {
            w.Write(g);
        }

        // The open burst and the latest on the clock are bursts of the list (or were, before it dropped its oldest).
        WriteRef(w, _open, null);
        WriteRef(w, _lastOnClock, _open);
        w.Write(_clock is not null);
        if (_clock is { } c)
        {
            w.Write(c.Period);
            w.Write(c.Phase);
            w.Write(c.Concentration);
            w.Write(c.Onsets);
            w.Write(c.PeakRatio);
            w.Write(c.Duration);
            w.Write(c.Gaps.Length);
            foreach (var g in c.Gaps)
            {
                w.Write(g);
            }
        }
    }

    internal void Load(State.StateReader r)
    {
        _tick = r.Long();
        _shareAt = long.MinValue;
        _recentCount = r.Int();
        Base = r.Double();
        r.Into(_inBurst);
        _marked = _inBurst.Count(b => b);
        _profileRatio = r.Double();
        r.Into(_recent);
        r.Into(_sorted);
        _bursts.Clear();
        for (var n = r.Count(MaxOnsets); n > 0; n--)
        {
            _bursts.Add(Read(r));
        }

        _gaps.Clear();
        for (var n = r.Count(MaxOnsets); n > 0; n--)
        {
            _gaps.Add(r.Long());
        }

        _open = ReadRef(r, null);
        _lastOnClock = ReadRef(r, _open);
        _clock = null;
        if (r.Bool())
        {
            var (period, phase, concentration, onsets, peakRatio, duration) = (r.Int(), r.Int(), r.Double(), r.Int(), r.Double(), r.Int());
            var gaps = new long[r.Count(MaxOnsets)];
            for (var i = 0; i < gaps.Length; i++)
            {
                gaps[i] = r.Long();
            }

            _clock = new Clock(period, phase, concentration, onsets, peakRatio, duration, gaps);
        }

        _profileTrusted = ProfileTrusted();
    }

    /// <summary>A reference to a burst: 0 none, 1 the same as <paramref name="same"/>, 2 an index in the list, 3 written out.</summary>
    private void WriteRef(State.StateWriter w, Burst? burst, Burst? same)
    {
        if (burst is null)
        {
            w.Write(0);
        }
        else if (ReferenceEquals(burst, same))
        {
            w.Write(1);
        }
        else if (_bursts.IndexOf(burst) is var at and >= 0)
        {
            w.Write(2);
            w.Write(at);
        }
        else
        {
            w.Write(3);
            Write(w, burst);
        }
    }

    private Burst? ReadRef(State.StateReader r, Burst? same) => r.Int() switch
    {
        0 => null,
        1 => same,
        2 => _bursts[r.Count(_bursts.Count - 1)],
        3 => Read(r),
        var kind => throw new State.PlannerStateException($"a burst reference of kind {kind}"),
    };

    private static void Write(State.StateWriter w, Burst b)
    {
        w.Write(b.Start);
        w.Write(b.Base);
        w.Write(b.Peak);
        w.Write(b.End);
        w.Write(b.OnClock);
    }

    private static Burst Read(State.StateReader r) =>
        new(r.Long(), r.Double()) { Peak = r.Double(), End = r.Long(), OnClock = r.Bool() };
}
