namespace Dso.Forecasting.Tests;

public sealed class ForecasterTests
{
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    [Fact]
    public void Predict_DailySeasonalSeries_OneHourAheadWithinThreePercentOfLevel()
    {
        // Stated error: on the last two days, the 1-hour-ahead p50 is within 3% of the mean level (6) of the true,
        // noise-free value on average (the 3% noise itself is not forecastable), and clearly beats the last value.
        var series = SyntheticSeries.Daily(days: 9, FiveMinutes, relativeNoise: 0.03);
        var forecaster = DemandForecasters.CreateRetrainable(new ForecasterOptions { Horizon = TimeSpan.FromHours(1) });
        const int h = 12;
        var scoredFrom = series.Count - (2 * 288);
        double error = 0, naive = 0;
        var n = 0;
        for (var i = 0; i + h < series.Count; i++)
        {
            forecaster.Observe(series[i].Time, series[i].Value);
            if (i >= scoredFrom)
            {
                var forecast = forecaster.Predict(h);
                error += Math.Abs(forecast.P50[h - 1] - series[i + h].Clean);
                naive += Math.Abs(series[i].Value - series[i + h].Clean);
                n++;
            }
        }

        Assert.Equal(FiveMinutes, forecaster.Step);
        Assert.NotNull(forecaster.CurrentModel);
        Assert.True(error / n <= 0.03 * 200, $"MAE {error / n:F2}");
        Assert.True(error < 0.6 * naive, $"MAE {error / n:F2} vs last value {naive / n:F2}");
    }

    [Fact]
    public void Predict_FewHoursOfHistory_SeasonalBaselineNearLevel()
    {
        var series = SyntheticSeries.Daily(days: 1, TimeSpan.FromMinutes(1), amplitude: 0, relativeNoise: 0.02).Take(180).ToList();
        var forecaster = DemandForecasters.Create();
        foreach (var p in series)
        {
            forecaster.Observe(p.Time, p.Value);
        }

        var forecast = forecaster.Predict(120);
        Assert.Equal("seasonal-baseline", forecast.Model);
        Assert.Equal(120, forecast.Steps);
        Assert.All(forecast.P50, v => Assert.InRange(v, 190, 210));
        Assert.All(Enumerable.Range(0, 120), j => Assert.True(forecast.P10[j] <= forecast.P50[j] && forecast.P50[j] <= forecast.P90[j]));
    }

    [Fact]
    public void Quantile_AnyLevel_MonotoneAndMatchesNamedQuantiles()
    {
        var forecaster = Feed(SyntheticSeries.Daily(days: 3, FiveMinutes), new ForecasterOptions { Horizon = TimeSpan.FromHours(1) });
        var forecast = forecaster.Predict(12);
        for (var j = 0; j < 12; j++)
        {
            Assert.Equal(forecast.P10[j], forecast.Quantile(j, 0.1), 9);
            Assert.Equal(forecast.P90[j], forecast.Quantile(j, 0.9), 9);
            Assert.True(forecast.Quantile(j, 0.05) <= forecast.P10[j] && forecast.P90[j] <= forecast.Quantile(j, 0.99));
        }
    }

    [Fact]
    public void IntervalCoverage_NoisySyntheticSeries_CalibratedBetween72And88Percent()
    {
        // Heavy, level-dependent noise: the intervals must come out right from the model's own errors.
        var series = SyntheticSeries.Daily(days: 10, FiveMinutes, relativeNoise: 0.15, seed: 7);
        var forecaster = DemandForecasters.CreateRetrainable(new ForecasterOptions { Horizon = TimeSpan.FromMinutes(30) });
        const int h = 6;
        var covered = 0;
        var n = 0;
        for (var i = 0; i + h < series.Count; i++)
        {
            forecaster.Observe(series[i].Time, series[i].Value);
            if (i >= series.Count / 2)
            {
                var f = forecaster.Predict(h);
                var actual = series[i + h].Value;
                covered += f.P10[h - 1] <= actual && actual <= f.P90[h - 1] ? 1 : 0;
                n++;
            }
        }

        Assert.InRange((double)covered / n, 0.72, 0.88);
        Assert.InRange(forecaster.IntervalCoverage, 0.65, 0.95);
        Assert.True(double.IsFinite(forecaster.RollingMase) && forecaster.RollingMase > 0);
        Assert.True(forecaster.RetrainCount >= 2);
    }

    [Fact]
    public void Predict_TrafficBackAfterADayOfZeros_IntervalsStayNearDemandSeen()
    {
        // Two days of traffic (peak 280), a 30-hour outage of exact zeros, then traffic back. Residuals of forecasts made
        // during the outage were measured in a noise unit of 1% of a zero day's mean (1e-11): the p90 then reached
        // thousands of times the demand for hours (the planner bought 58 instances for 24 rps).
        var series = SyntheticSeries.Daily(days: 4, TimeSpan.FromMinutes(1), relativeNoise: 0.1, seed: 3);
        var outage = (From: 2 * 1440, To: (2 * 1440) + (30 * 60));
        var forecaster = DemandForecasters.CreateRetrainable(new ForecasterOptions { Horizon = TimeSpan.FromMinutes(5) });
        var worst = 0.0;
        var peakSeen = 0.0;
        for (var i = 0; i < series.Count - 5; i++)
        {
            var value = i >= outage.From && i < outage.To ? 0 : series[i].Value;
            peakSeen = Math.Max(peakSeen, value);
            forecaster.Observe(series[i].Time, value);
            if (i >= outage.To && i < outage.To + (6 * 60))
            {
                worst = Math.Max(worst, forecaster.Predict(5).P90.Max() / peakSeen);
            }
        }

        Assert.True(worst < 3, $"p90 reached {worst:0.#} x the highest demand seen in the 6 hours after the outage");
    }

    [Fact]
    public void Predict_FutureRowsDiffer_ForecastFromSamePrefixIdentical()
    {
        // No look-ahead: what comes after the origin (even while retraining) cannot change a forecast from it.
        var a = SyntheticSeries.Daily(days: 3, FiveMinutes, seed: 3);
        var b = a.Select((p, i) => i > 600 ? (p.Time, Value: p.Value * 3, p.Clean) : p).ToList();
        var fa = DemandForecasters.Create(new ForecasterOptions { Horizon = TimeSpan.FromHours(1) });
        var fb = DemandForecasters.Create(new ForecasterOptions { Horizon = TimeSpan.FromHours(1) });
        for (var i = 0; i <= 600; i++)
        {
            fa.Observe(a[i].Time, a[i].Value);
            fb.Observe(b[i].Time, b[i].Value);
        }

        Assert.Equal(fa.Predict(12).P50, fb.Predict(12).P50);
    }

    [Fact]
    public void Observe_HourlySeriesWithGap_InfersHourlyStep()
    {
        var forecaster = DemandForecasters.CreateRetrainable();
        var t0 = SyntheticSeries.Start;
        foreach (var hour in new[] { 0, 1, 3, 4, 5 })
        {
            forecaster.Observe(t0.AddHours(hour), 100 + hour);
        }

        var forecast = forecaster.Predict(2);
        Assert.Equal(TimeSpan.FromHours(1), forecaster.Step);
        Assert.Equal(t0.AddHours(5), forecast.Origin);
        Assert.Equal(t0.AddHours(6), forecast.TimeOf(0));
    }

    [Fact]
    public void Observe_SpikesFlaggedAnomalous_IntervalsNotWidenedByThem()
    {
        // Weight < 1 marks an anomaly: it must not train the model nor widen the intervals like real demand would.
        var series = SyntheticSeries.Daily(days: 4, FiveMinutes, relativeNoise: 0.02, seed: 5);
        var flagged = DemandForecasters.Create(new ForecasterOptions { Horizon = TimeSpan.FromHours(1) });
        var unflagged = DemandForecasters.Create(new ForecasterOptions { Horizon = TimeSpan.FromHours(1) });
        for (var i = 0; i < series.Count; i++)
        {
            var spike = i % 37 == 0;
            var value = spike ? series[i].Value * 4 : series[i].Value;
            flagged.Observe(series[i].Time, value, spike ? 0.0 : 1.0);
            unflagged.Observe(series[i].Time, value);
        }

        var a = flagged.Predict(12);
        var b = unflagged.Predict(12);
        Assert.True(a.P90[11] - a.P10[11] < 0.7 * (b.P90[11] - b.P10[11]), $"flagged width {a.P90[11] - a.P10[11]:F1}, unflagged {b.P90[11] - b.P10[11]:F1}");
    }

    [Fact]
    public void Predict_NoObservations_Throws() =>
        Assert.Throws<InvalidOperationException>(() => DemandForecasters.Create().Predict(5));

    [Fact]
    public void Create_OptionOutOfRange_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => DemandForecasters.Create(new ForecasterOptions { IntervalCoverage = 1.5 }));
        Assert.Contains("IntervalCoverage", ex.Message);
        Assert.Throws<ArgumentException>(() => DemandForecasters.Create(new ForecasterOptions { Horizon = TimeSpan.Zero }));
    }

    [Fact]
    public void ClassifyScenarios_ForecastAboveRecentP90_Peak()
    {
        var forecaster = Feed(SyntheticSeries.Daily(days: 2, FiveMinutes), new ForecasterOptions { Horizon = TimeSpan.FromHours(1) });
        var forecast = forecaster.Predict(12);
        var periods = forecaster.ClassifyScenarios(forecast);
        Assert.Equal(forecast.TimeOf(0), periods[0].Start);
        Assert.Equal(forecast.TimeOf(11) + FiveMinutes, periods[^1].End);

        var peak = DemandScenarioClassifier.Classify(forecast, low: 0, peak: forecast.P50.Min() - 1);
        Assert.Equal(DemandScenario.Peak, Assert.Single(peak).Scenario);
        var low = DemandScenarioClassifier.Classify(forecast, low: forecast.P50.Max() + 1, peak: double.PositiveInfinity);
        Assert.Equal(DemandScenario.Low, Assert.Single(low).Scenario);
    }

    internal static IRetrainableForecaster Feed(IEnumerable<(DateTimeOffset Time, double Value, double Clean)> series, ForecasterOptions? options = null)
    {
        var forecaster = DemandForecasters.CreateRetrainable(options);
        foreach (var p in series)
        {
            forecaster.Observe(p.Time, p.Value);
        }

        return forecaster;
    }
}
