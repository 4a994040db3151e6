namespace Dso.Forecasting.Model;

/// <summary>
/// Turns "the history up to origin t, and a horizon k" into the regression features, and defines the target scale.
/// Everything is expressed relative to the current level L and divided by the day's mean S, so one tree ensemble
/// serves any demand level (trees cannot extrapolate absolute values) and a model keeps working as traffic grows.
/// Every window is clipped at t: training reads history that extends past t, and must not see it.
/// </summary>
internal sealed class FeatureBuilder
{
    /// <summary>Bumped whenever the feature layout changes, so a registry model from another layout is refused.</summary>
    public const int LayoutVersion = 1;
    public const int Count = 20;
    private const int MaxSeasonalDays = 7;

    private readonly SeriesHistory _history;

    public FeatureBuilder(SeriesHistory history)
    {
        _history = history;
    }

    private int StepsPerDay => _history.StepsPerDay;

    /// <summary>Smoothing width: 15 points at 1-minute steps (noise of single minutes is not forecastable), 1 at hourly.</summary>
    public int Window => Math.Max(1, StepsPerDay / 96);

    /// <summary>Oldest origin whose features are fully defined.</summary>
    public long FirstOrigin => _history.FirstAvailable + (16 * Window) + 2;

    /// <summary>Level the forecast is expressed relative to: mean of the last <see cref="Window"/> points.</summary>
    public double Level(long t) => Mean(t, t - Window + 1, t + 1);

    /// <summary>Target scale: mean of the last day (or what exists), never zero.</summary>
    public double Scale(long t)
    {
        var dayMean = Math.Abs(Mean(t, t - StepsPerDay + 1, t + 1));
        var change = _history.MeanAbsChange(t - StepsPerDay + 1, t + 1);
        return Math.Max(Math.Max(dayMean, double.IsNaN(change) ? 0 : change), 1e-9);
    }

    /// <summary>
    /// Local noise level residuals are measured in: mean absolute one-step change over the last few windows, floored
    /// at 1% of the level so a flat stretch cannot make the intervals collapse to nothing. The level is the larger of
    /// the last day's and the whole history's mean: after a day of zeros (an outage, a weekend shutdown) the day's mean
    /// is nothing, and residuals measured in units of nothing (demand coming back over a zero forecast) reached 10^12
    /// and made the p90 thousands of times the demand for hours after traffic returned.
    /// </summary>
    public double Noise(long t)
    {
        var span = Math.Max(4 * Window, 12);
        var change = _history.MeanAbsChange(t - span + 1, t + 1);
        var scale = Scale(t);
        var longRun = Math.Abs(Mean(t, _history.FirstAvailable, t + 1));
        var floor = 0.01 * Math.Max(scale, double.IsNaN(longRun) ? 0 : longRun);
        return Math.Max(double.IsNaN(change) ? scale : change, floor);
    }

    /// <summary>
    /// Median over up to a week of past days of "how demand moved from the equivalent of now to the equivalent of
    /// t+k": the seasonal baseline's shape. The median, not the mean, so one day's burst or outage at either end
    /// cannot drag the forecast (a burst yesterday at this minute would otherwise predict a crash now). NaN with
    /// less than a day of history.
    /// </summary>
    public double SeasonalDelta(long t, int k)
    {
        Span<double> deltas = stackalloc double[MaxSeasonalDays];
        var days = 0;
        for (var d = 1; d <= MaxSeasonalDays; d++)
        {
            var delta = DayDelta(t, k, d);
            if (double.IsNaN(delta))
            {
                break;
            }

            deltas[days++] = delta;
        }

        if (days == 0)
        {
            return double.NaN;
        }

        var used = deltas[..days];
        used.Sort();
        return days % 2 == 1 ? used[days / 2] : (used[(days / 2) - 1] + used[days / 2]) / 2;
    }

    /// <summary>
    /// <see cref="Baseline"/>(t, k) for every k in 1..<paramref name="steps"/>, bit for bit: each day's window around
    /// the origin is averaged once for all horizons instead of once per horizon (the forecast fills every step between
    /// its anchors from the baseline, so this ran a hundred times a tick).
    /// </summary>
    public double[] Baselines(long t, int steps)
    {
        var level = Level(t);
        Span<double> origins = stackalloc double[MaxSeasonalDays];
        var days = 0;
        for (var d = 1; d <= MaxSeasonalDays; d++)
        {
            var back = (long)d * StepsPerDay;
            if (t - back - Window + 1 < _history.FirstAvailable)
            {
                break;
            }

            origins[days++] = Mean(t, t - back - Window + 1, t - back + 1);
        }

        var baselines = new double[steps];
        Span<double> deltas = stackalloc double[MaxSeasonalDays];
        for (var k = 1; k <= steps; k++)
        {
            var used = 0;
            for (var d = 0; d < days; d++)
            {
                var delta = Centered(t, t + k - ((long)(d + 1) * StepsPerDay)) - origins[d];
                if (double.IsNaN(delta))
                {
                    break;
                }

                deltas[used++] = delta;
            }

            var seasonal = double.NaN;
            if (used > 0)
            {
                var sorted = deltas[..used];
                sorted.Sort();
                seasonal = used % 2 == 1 ? sorted[used / 2] : (sorted[(used / 2) - 1] + sorted[used / 2]) / 2;
            }

            baselines[k - 1] = level + (double.IsNaN(seasonal) ? 0 : seasonal);
        }

        return baselines;
    }

    /// <summary>The seasonal baseline forecast for t+k: level plus the median seasonal delta (level alone with under a day).</summary>
    public double Baseline(long t, int k) => BaselineFromDelta(t, SeasonalDelta(t, k));

    /// <summary>The baseline from a seasonal delta already computed for (t, k) (the forecaster also feeds it to <see cref="Build(long, int, float[], double)"/>).</summary>
    public double BaselineFromDelta(long t, double seasonalDelta) => Level(t) + (double.IsNaN(seasonalDelta) ? 0 : seasonalDelta);

    /// <summary>Fills <paramref name="features"/>; returns level and scale so the caller can map the output back.</summary>
    public (double Level, double Scale) Build(long t, int k, float[] features) => Build(t, k, features, SeasonalDelta(t, k));

    /// <summary>
    /// As <see cref="Build(long, int, float[])"/> with <paramref name="seasonal"/> = <see cref="SeasonalDelta"/>(t, k),
    /// which the forecaster computes once per anchor for the baseline and the features (seven day windows and a sort).
    /// </summary>
    public (double Level, double Scale) Build(long t, int k, float[] features, double seasonal)
    {
        var w = Window;
        var level = Level(t);
        var scale = Scale(t);
        var target = _history.TimeOf(t + k);
        double Rel(double v) => double.IsNaN(v) ? 0 : (v - level) / scale;

        var yesterday = Centered(t, t + k - StepsPerDay);
        var week = Centered(t, t + k - (7L * StepsPerDay));
        features[0] = k;
        features[1] = (float)(target.TimeOfDay.TotalHours / 24.0);
        features[2] = (float)target.DayOfWeek;
        features[3] = (float)Rel(_history.Value(t));
        features[4] = (float)Rel(Mean(t, t - 2, t + 1));
        features[5] = (float)Rel(Mean(t, t - (4 * w) + 1, t + 1));
        features[6] = (float)Rel(Mean(t, t - (16 * w) + 1, t + 1));
        features[7] = (float)(level / scale);
        features[8] = (float)Rel(Mean(t, t - (2 * w) + 1, t - w + 1));
        features[9] = (float)(Nz(_history.MeanAbsChange(t - (4 * w) + 1, t + 1)) / scale);
        features[10] = (float)(Nz(seasonal) / scale);
        features[11] = (float)Rel(yesterday);
        features[12] = (float)(Nz(DayDelta(t, k, 1)) / scale);
        features[13] = (float)Rel(week);
        features[14] = (float)(Nz(DayDelta(t, k, 7)) / scale);
        features[15] = double.IsNaN(yesterday) ? 0 : 1;
        features[16] = double.IsNaN(week) ? 0 : 1;
        features[17] = (float)Rel(t >= 1 ? _history.Value(t - 1) : double.NaN);
        features[18] = (float)Rel(t >= 2 ? _history.Value(t - 2) : double.NaN);
        features[19] = (float)Rel(Centered(t, t + k - (2L * StepsPerDay)));
        return (level, scale);
    }

    private static double Nz(double v) => double.IsNaN(v) ? 0 : v;

    private double DayDelta(long t, int k, int days)
    {
        var back = (long)days * StepsPerDay;
        if (t - back - Window + 1 < _history.FirstAvailable)
        {
            return double.NaN;
        }

        return Centered(t, t + k - back) - Mean(t, t - back - Window + 1, t - back + 1);
    }

    /// <summary>Mean of a window centred on <paramref name="center"/>, clipped at the origin t (no look-ahead).</summary>
    private double Centered(long t, long center)
    {
        var from = center - (Window / 2);
        if (from < _history.FirstAvailable)
        {
            return double.NaN;
        }

        return Mean(t, from, from + Window);
    }

    private double Mean(long t, long from, long to) => _history.Mean(from, Math.Min(to, t + 1));
}
