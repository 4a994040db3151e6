namespace Dso.Forecasting.Model;

/// <summary>
/// Expands the anchor forecasts to every requested step: between anchors the model's correction to the seasonal
/// baseline is interpolated (the baseline keeps the day's shape at full resolution), residual quantiles likewise;
/// then the event multiplier of each step is applied. The result captures immutable snapshots only.
/// </summary>
internal static class ForecastComposer
{
    /// <summary>
    /// One point tells neither the step nor the noise: a flat forecast, ±50% as the interval, on a provisional
    /// one-minute grid that is not committed (the second point decides the real step).
    /// </summary>
    public static DemandForecast LonePoint(DateTimeOffset timestamp, double value, int steps)
    {
        var spread = Math.Abs(value) * 0.5;
        double Quantile(int j, double level) => value + (spread * (level - 0.5) / 0.4);
        return new DemandForecast(timestamp, TimeSpan.FromMinutes(1), Enumerable.Repeat(value, steps).ToArray(),
            Enumerable.Repeat(Quantile(0, 0.1), steps).ToArray(), Enumerable.Repeat(Quantile(0, 0.9), steps).ToArray(), Quantile, "single-point");
    }

    public static DemandForecast Compose(SeriesHistory history, FeatureBuilder features, int[] anchors, AnchorForecast current, int steps, EventCalendar events)
    {
        var t = current.Origin;
        var point = new double[steps];
        var multipliers = new double[steps];
        var brackets = new (int Lower, int Upper, double Fraction)[steps];
        var farScale = new double[steps];
        var baselines = features.Baselines(t, steps);
        for (var j = 0; j < steps; j++)
        {
            var step = j + 1;
            var bracket = HorizonAnchors.Bracket(anchors, step);
            brackets[j] = bracket;
            var lowerCorrection = current.Point[bracket.Lower] - current.Baseline[bracket.Lower];
            var upperCorrection = current.Point[bracket.Upper] - current.Baseline[bracket.Upper];
            var baseline = anchors[bracket.Lower] == step ? current.Baseline[bracket.Lower] : baselines[j];
            point[j] = baseline + lowerCorrection + (bracket.Fraction * (upperCorrection - lowerCorrection));
            multipliers[j] = events.MultiplierAt(history.TimeOf(t + step));

            // Beyond the calibrated horizon the spread keeps growing like a random walk's.
            farScale[j] = step > anchors[^1] ? Math.Sqrt((double)step / anchors[^1]) : 1.0;
        }

        var noise = current.Noise;
        var residuals = current.Residuals;
        var nonNegative = history.NonNegative;
        double Quantile(int j, double level)
        {
            if ((uint)j >= (uint)steps)
            {
                throw new ArgumentOutOfRangeException(nameof(j), j, $"forecast has {steps} steps");
            }

            var (lower, upper, fraction) = brackets[j];
            var a = residuals[lower].Residual(level);
            var b = residuals[upper].Residual(level);
            var value = multipliers[j] * (point[j] + (noise * farScale[j] * (a + (fraction * (b - a)))));
            return nonNegative ? Math.Max(0, value) : value;
        }

        // The published quantiles at the three levels: each anchor's residual quantile once, not once per step
        // (Residual is a pure function of the snapshot and the level; the arithmetic is Quantile's).
        var p50 = Levels(0.5);
        var p10 = Levels(0.1);
        var p90 = Levels(0.9);
        double[] Levels(double level)
        {
            var atAnchor = new double[residuals.Length];
            for (var i = 0; i < residuals.Length; i++)
            {
                atAnchor[i] = residuals[i].Residual(level);
            }

            var values = new double[steps];
            for (var j = 0; j < steps; j++)
            {
                var (lower, upper, fraction) = brackets[j];
                var a = atAnchor[lower];
                var b = atAnchor[upper];
                var value = multipliers[j] * (point[j] + (noise * farScale[j] * (a + (fraction * (b - a)))));
                values[j] = nonNegative ? Math.Max(0, value) : value;
            }

            return values;
        }

        var origin = history.TimeOf(t);
        var step0 = history.Step;
        return new DemandForecast(origin, step0, p50, p10, p90, Quantile, current.ModelName)
        {
            EventMultipliers = multipliers,
            Events = events.Overlapping(origin + step0, origin + (step0 * (steps + 1))),
        };
    }
}
