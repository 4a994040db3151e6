using Dso.Forecasting;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// The planner's own view of coming demand: for each row it must cover now, an upper bound at the policy's
/// quantile. Features are the recent level, the seasonal peak (same time yesterday, two days ago, last week) and,
/// when the forecaster has one, the forecast's quantile, the peak of a burst that recurs on a clock when its slot is
/// likely enough (<see cref="RecurringBursts"/>), the current ramp carried on, and on coarse ticks a steadier mean (see
/// <see cref="SteadyLevelFeature"/>); <see cref="EnvelopeCalibrator"/> combines them from the
/// planner's own record of how each would have done. Everything here uses ticks up to now only.
/// </summary>
internal sealed class DemandOutlook
{
    public const int LevelFeature = 0;
    public const int LatestFeature = 1;
    public const int SeasonalFeature = 2;
    public const int DailyShapeFeature = 3;
    public const int WeeklyShapeFeature = 4;
    public const int ForecastFeature = 5;
    public const int BurstFeature = 6;
    public const int RampFeature = 7;

    /// <summary>
    /// The mean of the last <see cref="SteadySpan"/>, offered where the recent mean spans fewer than
    /// <see cref="SteadyBelowTicks"/> ticks (5- and 10-minute series; NaN elsewhere). There the 10-minute mean is one or two
    /// ticks: on a noisy series the envelope built on it chases each tick's noise, launching after a high tick for capacity
    /// that boots into the next low one. It may only be the catch-all (<see cref="EnvelopeCalibrator.CatchAllOnly"/>), so the
    /// fit takes it only where, as the whole bound's base, it covers the quantile for less than the recent mean does.
    /// </summary>
    public const int SteadyLevelFeature = 8;
    public static readonly string[] FeatureNames = ["recent mean", "latest peak", "seasonal peak", "yesterday's shape", "last week's shape", "forecast", "recurring burst", "current ramp", "steady level"];

    /// <summary>Ticks each of the two means the ramp's slope compares spans.</summary>
    private const int RampTicks = 3;

    /// <summary>Fewest calibration samples kept, whatever the tick (an hourly service needs weeks of them).</summary>
    private const int MinWindowSamples = 2000;

    /// <summary>Span the recent mean averages: enough to damp per-tick noise, short enough to follow a ramp.</summary>
    private static readonly TimeSpan LevelSpan = TimeSpan.FromMinutes(10);

    /// <summary>Span of the steady level (<see cref="SteadyLevelFeature"/>).</summary>
    private static readonly TimeSpan SteadySpan = TimeSpan.FromMinutes(30);

    /// <summary>The steady level is offered only where the recent mean spans fewer ticks than this.</summary>
    private const int SteadyBelowTicks = 3;

    /// <summary>Samples kept for calibration; older ticks are thinned so the window still spans the configured hours.</summary>
    private const int MaxSamples = 2000;

    /// <summary>
    /// A calibration window up to this factor over <see cref="MaxSamples"/> is kept whole (every tick a sample): thinned to
    /// every second tick, 5-minute ticks (2,016 in a week) sampled only the even ticks of every hour.
    /// </summary>
    private const double WholeWindowSlack = 1.05;

    /// <summary>Calibrated samples needed before the bound is trusted over the warm-up headroom.</summary>
    private const int MinSamples = 30;

    /// <summary>A seasonal rise is trusted up to this factor (one period's outage-to-recovery must not explode it).</summary>
    private const double MaxShapeRatio = 4;

    /// <summary>
    /// A row's bound is at most this many times the highest demand seen, or the row's largest feature itself if that is
    /// higher (a forecast, an event calendar or a ramp may ask for more than was ever seen). A fit whose multipliers cover rare
    /// spikes from a quiet baseline (×16 on the latest peak for a 3,200 rps spike every 4 hours over 200 rps) would
    /// otherwise ask for 16 × the spike itself once one arrives: 51,200 rps, 80 large instances for 3 minutes.
    /// </summary>
    internal const double MaxBoundOverPeak = 2;

    private static readonly TimeSpan RefitInterval = TimeSpan.FromMinutes(120);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private readonly int _rows;
    /// <summary>Rows past <see cref="_rows"/> bounded for scale-in only (the rows the next ticks' plans add).</summary>
    private readonly int _ahead;
    private readonly double _quantile;
    private double _headroom = 1;
    private bool _refitNow;
    private double _maxQuantile = 1;
    private readonly double _warmup;
    private readonly int _seasonalWindow;
    private readonly int[] _lags;
    private readonly int _stride;
    private readonly int _refitEvery;
    private readonly TimeSpan _tick;
    private readonly DemandHistory _history;
    /// <summary>Per tick, the highest row bound the outlook gave (what it asked the fleet to cover), for the scale-in window.</summary>
    private readonly DemandHistory _needs;
    private readonly EnvelopeCalibrator _calibrator;
    private readonly double[]?[] _pending;
    private readonly int _levelTicks;
    /// <summary>Ticks the steady level averages; 0 where it is not offered.</summary>
    private readonly int _steadyTicks;
    private readonly RecurringBursts _bursts;
    private readonly double _burstHazard;
    private readonly TrafficGap _gap;
    private bool _wasQuarantined;
    /// <summary>Highest demand observed so far (for the bound's cap, <see cref="MaxBoundOverPeak"/>).</summary>
    private double _peak;

    public DemandOutlook(TimeSpan tick, int rows, CostOptimizerOptions options, double floorCapacity = 0)
    {
        _rows = rows;
        _ahead = WindowTicks(options.ScaleInLookahead, tick);
        _quantile = options.CoverageQuantile;
        _warmup = options.WarmupHeadroom;
        var period = tick <= Day ? (int)Math.Round(Day / tick) : 0;
        _lags = period >= rows + 1 ? [period, 2 * period, 7 * period] : [];
        _seasonalWindow = (int)Math.Round(options.SeasonalWindow / tick);
        _history = new DemandHistory((_lags.Length > 0 ? _lags[^1] : 0) + _seasonalWindow + rows + 64);
        _needs = new DemandHistory(WindowTicks(options.ScaleInWindow, tick) + 1);
        var windowTicks = Math.Max(MinWindowSamples, (int)(options.CalibrationWindow / tick));
        // A window at most WholeWindowSlack over the cap is kept whole rather than halved: a week of 5-minute ticks is
        // 2,016, and every second tick is phase-locked to the hour (a job bursting on odd ticks was never sampled).
        _stride = windowTicks <= MaxSamples * WholeWindowSlack ? 1 : Math.Max(1, (int)Math.Ceiling(windowTicks / (double)MaxSamples));
        _calibrator = new EnvelopeCalibrator(FeatureNames.Length, _stride == 1 ? windowTicks : MaxSamples, options.CoverageQuantile, MinSamples, options.SqrtNoise)
        {
            Floor = floorCapacity,
            CatchAllOnly = SteadyLevelFeature,
            SubFloorSamples = (int)Math.Ceiling(TimeSpan.FromDays(EnvelopeCalibrator.SubFloorDays) / (tick * _stride)),
            SamplesPerDay = Day / (tick * _stride),
        };
        _refitEvery = Math.Max(1, (int)Math.Round(RefitInterval / tick));
        _tick = tick;
        _pending = new double[]?[rows + 1];
        _levelTicks = Math.Max(1, (int)Math.Round(LevelSpan / tick));
        var steady = (int)Math.Round(SteadySpan / tick);
        _steadyTicks = _levelTicks < SteadyBelowTicks && steady > _levelTicks ? steady : 0;
        _bursts = new RecurringBursts(tick);
        _burstHazard = options.BurstMinHazard;
        _gap = new TrafficGap(tick);
    }

    /// <summary>True while a traffic gap or the recovery after it keeps the outlook from learning (see <see cref="TrafficGap"/>).</summary>
    public bool Quarantined => _gap.Quarantined;

    public DemandHistory History => _history;

    /// <summary>Rows past the usual end of a recurring burst under way do not carry its level (see <see cref="Features"/>).</summary>
    public bool SkipShortBursts { get; set; }

    /// <summary>
    /// The binding budget's ceiling (0: none): a row where the occupancy profile expects a recurring burst is bounded at
    /// least at that burst, up to the ceiling, whatever quantile the budget holds the fit to (see <see cref="WithExpectedBurst"/>).
    /// </summary>
    public double BurstCeiling { get; set; }

    /// <summary>
    /// Share of demand the profile's bursts must carry above the base (<see cref="RecurringBursts.ProfileExcessShare"/>)
    /// before <see cref="BurstCeiling"/> bounds their rows: where they carry less, the budget's quantile judges them.
    /// </summary>
    internal const double MinBurstShare = 0.25;

    /// <summary>
    /// The ticks of a recurring burst that has just ended, read at the base it rose from by the level features (see
    /// <see cref="Seen"/>): one the occupancy profile expects always, one on the clock under <see cref="SkipShortBursts"/>
    /// only (with room in the budget a clock's longer bursts keep their level); null when none is masked.
    /// </summary>
    private (long From, long To, double Base, bool Profiled)? _masked;

    /// <summary>
    /// Moves the coverage the envelope is fitted for and the headroom on its bound (self-correction); refits on the
    /// next tick. The forecast feature keeps the policy's quantile: the calibration scales it to what demand did.
    /// </summary>
    public void Retarget(double quantile, double headroom)
    {
        if (quantile != _calibrator.TargetQuantile || headroom != _headroom)
        {
            _calibrator.TargetQuantile = quantile;
            _headroom = headroom;
            _refitNow = true;
        }
    }

    public EnvelopeCalibrator Calibrator => _calibrator;

    /// <summary>
    /// Highest demand over the latest <paramref name="rows"/> ticks, the scale-down stabilization window, leaving out
    /// a recurring burst that has ended (holding its peak would only bill capacity for a slot that is over).
    /// </summary>
    public double RecentMax(int rows)
    {
        var (from, to) = _bursts.EndedBurst;
        var max = 0.0;
        for (var i = _history.Latest; i >= 0 && i > _history.Latest - Math.Max(rows, 1); i--)
        {
            if ((i < from || i > to) && _history.At(i) is var v && !double.IsNaN(v))
            {
                max = Math.Max(max, v);
            }
        }

        return max;
    }

    /// <summary>Ticks a window of this length spans, counting the current one (0 for no window).</summary>
    public static int WindowTicks(TimeSpan window, TimeSpan tick) => window <= TimeSpan.Zero ? 0 : (int)Math.Ceiling((window / tick) - 1e-9);

    /// <summary>
    /// Highest bound the outlook asked the fleet to cover over the <paramref name="rows"/> - 1 ticks before this one
    /// (the scale-in window; this tick's own bound is in the program already), leaving out an ended recurring burst as
    /// <see cref="RecentMax"/> does. Zero when the window spans no earlier tick.
    /// </summary>
    public double RecentNeed(int rows)
    {
        var (from, to) = _bursts.EndedBurst;
        var max = 0.0;
        for (var i = _needs.Latest - 1; i >= 0 && i > _needs.Latest - rows; i--)
        {
            if ((i < from || i > to) && _needs.At(i) is var v && !double.IsNaN(v))
            {
                max = Math.Max(max, v);
            }
        }

        return max;
    }

    /// <summary>Records this tick's demand, learns from it, and bounds the coming rows.</summary>
    /// <param name="demand">This tick's observed demand.</param>
    /// <param name="forecast">The forecaster's quantiles, if any.</param>
    /// <param name="maxMeanCapacity">Mean capacity the budget sustains (infinite without a hard budget).</param>
    /// <param name="maxQuantile">Coverage the envelope is fitted for at most (1: the target); a change refits now.</param>
    public OutlookResult Observe(double demand, DemandForecast? forecast, double maxMeanCapacity = double.PositiveInfinity, double maxQuantile = 1)
    {
        if (maxQuantile != _maxQuantile)
        {
            _maxQuantile = maxQuantile;
            _refitNow = true;
        }

        _history.Add(demand);
        if (demand > _peak)
        {
            _peak = demand;
        }

        if (demand > _calibrator.EndedRecheckAbove)
        {
            // Demand rose past what the last days held while the fit leaves out an ended regime: it may be coming back
            // (Monday after a long quiet stretch), and the fit should know now, not at the next two-hourly refit.
            _refitNow = true;
        }

        _bursts.Observe(demand);
        _gap.Observe(demand, _history);
        var quarantined = _gap.Quarantined;
        if (quarantined != _wasQuarantined)
        {
            // The forecast feature leaves or rejoins the fit.
            _wasQuarantined = quarantined;
            _refitNow = true;
        }

        var now = _history.Latest;
        _masked = null;
        if (_bursts.EndedRecurring is { } ended && (SkipShortBursts || ended.Profiled)
            && ended.To > now - Math.Max(Math.Max(_levelTicks, _steadyTicks), 2 * RampTicks))
        {
            _masked = ended;
        }

        // The features stored _rows ticks ago described the row just observed: pair them with what happened. A gap
        // and its recovery are not: the features were computed on zeros or the demand is a recovery ramp.
        var slot = (int)(now % _pending.Length);
        if (_pending[slot] is { } past && now % _stride == 0 && !quarantined)
        {
            _calibrator.Add(past, demand);
        }

        var features = new double[_rows][];
        for (var k = 1; k <= _rows; k++)
        {
            features[k - 1] = Features(k, forecast);
        }

        _pending[(int)((now + _rows) % _pending.Length)] = features[_rows - 1];
        if (now % _refitEvery == 0 || !_calibrator.Fitted || _refitNow)
        {
            _refitNow = false;
            _calibrator.Refit([.. features[_rows - 1].Select(double.IsFinite)], maxMeanCapacity, _maxQuantile,
                days => _history.PeakBetween(now - (long)Math.Ceiling(TimeSpan.FromDays(days) / _tick) + 1, now));
        }

        var upper = new double[_rows];
        string? capped = null;
        var fitLast = 0.0;
        for (var k = 0; k < _rows; k++)
        {
            fitLast = Bound(features[k], out capped);
            upper[k] = WithExpectedBurst(fitLast, k + 1);
        }

        // The rows the next ticks' plans add: not planned for now (launches ordered now would serve them no earlier
        // than the next tick's), but what scale-in removes now the next tick's pre-scale would relaunch for them.
        var (ahead, aheadAt) = (0.0, (0, 0));
        for (var k = _rows + 1; k <= _rows + _ahead; k++)
        {
            var f = Features(k, forecast);
            var bound = WithExpectedBurst(Bound(f), k);
            if (bound > ahead)
            {
                (ahead, aheadAt) = (bound, (k, _calibrator.Fitted ? _calibrator.Binding(f) : LevelFeature));
            }
        }

        _needs.Add(upper.Max());
        var last = features[_rows - 1];
        var binding = _calibrator.Fitted ? _calibrator.Binding(last) : LevelFeature;
        return new OutlookResult(upper, last, binding, _calibrator.Fitted, _calibrator.ActiveQuantile, [.. _calibrator.Multipliers]) {
            TargetQuantile = _calibrator.TargetQuantile,
            BurstClock = binding == BurstFeature ? _bursts.Describe() : null,
            Capped = capped,
            ExpectedBurst = upper[^1] > fitLast
                ? $"the burst the hourly profile expects, {_bursts.ProfileExpected(_rows):0.#} rps, up to the budget's ceiling {BurstCeiling:0.#} rps ({_bursts.Describe()})"
                : null,
            SqrtTerm = _calibrator.Fitted && binding == _calibrator.CatchAll && _calibrator.SqrtCatchAll,
            FittedSince = _calibrator.EndedSamples > 0 ? EndedRegimeReason(_calibrator) : null,
            WarmupHeadroom = _warmup,
            Ahead = ahead,
            AheadAt = aheadAt,
        };
    }

    /// <summary>"fitted on the 1.6 days since demand last exceeded 11094.6 rps (1.5 x the highest of the last day: ...)".</summary>
    private static string EndedRegimeReason(EnvelopeCalibrator c)
    {
        static string Days(double d) => Math.Round(d, 1) == 1 ? "day" : $"{d:0.#} days";
        var clock = c.EndedDays < EnvelopeCalibrator.RegimeDays ? ", and it had run around the clock" : "";
        return $"fitted on the {Days(c.FittedDays)} since demand last exceeded {c.EndedAbove:0.#} rps ({EnvelopeCalibrator.RegimeJump:0.#} x the highest of the last {Days(c.EndedDays)}: that regime ended{clock})";
    }

    /// <summary>
    /// A row's upper bound from its features: the calibrated envelope with the self-correction headroom, never below
    /// what is being served now (the lower of the recent mean and the latest peak, so a burst that just ended does not
    /// hold capacity): a fit that lets a row fall below it, stale after an outage or led by a falling seasonal feature,
    /// would leave a fleet under demand without scaling out. Before calibration, the warm-up headroom over recent demand.
    /// Never above <see cref="MaxBoundOverPeak"/> times the highest demand seen, or the row's largest feature (with the
    /// self-correction headroom) where that is higher. Never above the warm-up bound while the envelope was fitted on
    /// samples below min_instances' capacity alone (<see cref="EnvelopeCalibrator.BelowFloorOnly"/>).
    /// </summary>
    private double Bound(double[] features) => Bound(features, out _);

    /// <param name="features">The row's features.</param>
    /// <param name="capped">When the cap set the bound: the cap's arithmetic, for the decision's reason.</param>
    private double Bound(double[] features, out string? capped)
    {
        capped = null;
        var u = _calibrator.Envelope(features);
        var served = Math.Min(features[LevelFeature], features[LatestFeature]);
        var warm = Math.Max(features[LevelFeature], features[LatestFeature]) * _warmup;
        if (double.IsNaN(u))
        {
            return warm;
        }

        var largest = 0.0;
        foreach (var f in features)
        {
            if (f > largest)
            {
                largest = f;
            }
        }

        var cap = Math.Max(MaxBoundOverPeak * _peak, largest * _headroom);
        if (u * _headroom > cap)
        {
            capped = MaxBoundOverPeak * _peak >= largest * _headroom
                ? $"at most {MaxBoundOverPeak:0.#} x the highest demand seen, {MaxBoundOverPeak:0.#} x {_peak:0.#} rps"
                : $"at most the largest feature, {largest:0.#} rps x{_headroom:0.##}";
        }

        var bound = Math.Max(Math.Min(u * _headroom, cap), served);
        if (_calibrator.BelowFloorOnly && bound > warm)
        {
            // Fitted on samples min_instances served whole: they may release the warm-up headroom, not raise it.
            capped = $"at most the warm-up headroom while demand has stayed below min_instances' capacity, the higher of recent mean {features[LevelFeature]:0.#} and latest peak {features[LatestFeature]:0.#} rps x{_warmup:0.##}";
            return warm;
        }

        return bound;
    }

    /// <summary>
    /// Under a binding budget's ceiling (<see cref="BurstCeiling"/>), row <paramref name="k"/> is bounded at least at the
    /// burst the occupancy profile expects there, up to the ceiling, where the profile's bursts carry at least
    /// <see cref="MinBurstShare"/> of the demand and the burst is at least <see cref="RecurringBursts.OnsetRatio"/> x the
    /// row's bound. The budget holds the fit to a low quantile (<c>budget_bound_quantile</c>) that a burst on a few ticks of
    /// the hour never reaches, while the ceiling is priced on the demand seen, bursts included: on a series whose
    /// demand is mostly such bursts (13x the base at two ticks of every hour) the budget went unspent while they went
    /// unserved.
    /// </summary>
    private double WithExpectedBurst(double bound, int k)
    {
        if (BurstCeiling <= 0 || _bursts.ProfileExcessShare < MinBurstShare)
        {
            return bound;
        }

        var expected = _bursts.ProfileExpected(k);
        return expected >= RecurringBursts.OnsetRatio * bound ? Math.Max(bound, Math.Min(expected, BurstCeiling)) : bound;
    }

    private double[] Features(int k, DemandForecast? forecast)
    {
        var now = _history.Latest;
        var latest = Math.Max(Seen(now), now > 0 ? Seen(now - 1) : 0);
        var level = RecentMean();
        var ramp = Ramp(k);
        if (SkipShortBursts && _bursts.OpenOnClock is { } open && k > open.Remaining)
        {
            // A recurring burst usually over by row k: its level is not carried there (capacity launched for it would
            // serve after it ended).
            (latest, level, ramp) = (Math.Min(latest, open.Base), Math.Min(level, open.Base), Math.Min(ramp, open.Base));
        }

        var seasonal = double.NaN;
        foreach (var lag in _lags)
        {
            var centre = now + k - lag;
            var peak = _history.PeakBetween(centre - _seasonalWindow, Math.Min(centre + _seasonalWindow, now));
            if (!double.IsNaN(peak))
            {
                seasonal = double.IsNaN(seasonal) ? peak : Math.Max(seasonal, peak);
            }
        }

        var predicted = forecast is not null && k - 1 < forecast.Steps && !_gap.Quarantined ? forecast.Quantile(k - 1, _quantile) : double.NaN;
        return [level, latest, seasonal, Shape(k, 0, latest), Shape(k, 2, latest), double.IsFinite(predicted) ? Math.Max(predicted, 0) : double.NaN, _bursts.Expected(k, _burstHazard), ramp, SteadyLevel()];
    }

    /// <summary>
    /// Seasonal shape: the latest demand scaled by how much demand rose from "now" to row k one period ago
    /// (a day, or a week), so a daily ramp is anticipated at today's level. NaN without that history.
    /// </summary>
    private double Shape(int k, int lagIndex, double latest)
    {
        if (lagIndex >= _lags.Length)
        {
            return double.NaN;
        }

        var then = _history.Latest - _lags[lagIndex];
        var before = Math.Max(_history.At(then), _history.At(then - 1));
        var after = _history.PeakBetween(then + k - _seasonalWindow, then + k + _seasonalWindow);
        return double.IsFinite(before) && double.IsFinite(after) ? latest * Math.Min(after / Math.Max(before, 1e-6), MaxShapeRatio) : double.NaN;
    }

    /// <summary>
    /// The latest few ticks' mean carried on at their rise over the few before to row k (a match kick-off, a
    /// morning ramp), never below that mean: launches ordered now serve only after the boot delay, so a ramp must be
    /// met where it will be, not where it is.
    /// </summary>
    private double Ramp(int k)
    {
        var now = _history.Latest;
        if (now < (2 * RampTicks) - 1)
        {
            return double.NaN;
        }

        double recent = 0, before = 0;
        for (var i = 0; i < RampTicks; i++)
        {
            recent += Seen(now - i);
            before += Seen(now - RampTicks - i);
        }

        recent /= RampTicks;
        before /= RampTicks;
        var slope = Math.Max(0, recent - before) / RampTicks;
        return recent + (slope * (k + ((RampTicks - 1) / 2.0)));
    }

    /// <summary>
    /// Demand at tick <paramref name="i"/> as the level features read it: a recurring burst that has just ended at no more
    /// than the base it rose from (its next ticks are the burst feature's to expect; carried in the recent mean, the
    /// latest peak and the ramp, a one-tick burst on a 5-minute series would launch, after it, capacity that boots into
    /// the base).
    /// </summary>
    private double Seen(long i) =>
        _masked is { } m && i >= m.From && i <= m.To ? Math.Min(_history.At(i), m.Base) : _history.At(i);

    private double RecentMean() => MeanOfLatest(_levelTicks) is var (mean, n) && n > 0 ? mean : 0;

    /// <summary>The steady level: NaN where it is not offered or its whole span is not yet known.</summary>
    private double SteadyLevel() => _steadyTicks > 0 && MeanOfLatest(_steadyTicks) is var (mean, n) && n == _steadyTicks ? mean : double.NaN;

    /// <summary>Mean of the latest ticks, at most <paramref name="ticks"/> of them, back to the first unknown one.</summary>
    private (double Mean, int Count) MeanOfLatest(int ticks)
    {
        double sum = 0;
        var n = 0;
        for (var i = _history.Latest; i >= 0 && n < ticks && !double.IsNaN(_history.At(i)); i--, n++)
        {
            sum += Seen(i);
        }

        return (n == 0 ? 0 : sum / n, n);
    }

    internal void Save(State.StateWriter w)
    {
        w.Write(_headroom);
        w.Write(_refitNow);
        w.Write(_maxQuantile);
        w.Write(_wasQuarantined);
        w.Write(_peak);
        _history.Save(w);
        _needs.Save(w);
        _calibrator.Save(w);
        _bursts.Save(w);
        _gap.Save(w);
        w.Write(_pending);
    }

    internal void Load(State.StateReader r)
    {
        _headroom = r.Double();
        _refitNow = r.Bool();
        _maxQuantile = r.Double();
        _wasQuarantined = r.Bool();
        _peak = r.Double();
        _history.Load(r);
        _needs.Load(r);
        _calibrator.Load(r);
        _bursts.Load(r);
        _gap.Load(r);
        r.Into(_pending, FeatureNames.Length);
    }
}
