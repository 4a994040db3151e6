using Dso.Forecasting.Model;

namespace Dso.Forecasting.Tests;

public sealed class InternalsTests
{
    [Fact]
    public void Build_HistoryExtendsPastOrigin_FeaturesIgnoreLaterRows()
    {
        // Training builds features from a history that continues after the origin; none of it may leak in.
        var series = SyntheticSeries.Daily(days: 9, TimeSpan.FromMinutes(5));
        var full = History(series, series.Count);
        var cut = History(series, 2000);
        var a = new float[FeatureBuilder.Count];
        var b = new float[FeatureBuilder.Count];
        foreach (var k in new[] { 1, 6, 24 })
        {
            var la = new FeatureBuilder(full).Build(1999, k, a);
            var lb = new FeatureBuilder(cut).Build(1999, k, b);
            Assert.Equal(lb, la);
            Assert.Equal(b, a);
            Assert.Equal(new FeatureBuilder(cut).Baseline(1999, k), new FeatureBuilder(full).Baseline(1999, k));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Baselines_AreBaselinePerStep_BitForBit(int minutes)
    {
        // Every origin from under a day of history (level only) through one to seven past days (odd and even
        // medians) to the full week.
        var series = SyntheticSeries.Daily(days: 9, TimeSpan.FromMinutes(minutes), relativeNoise: 0.05);
        var history = new SeriesHistory(20_000, null, EventCalendar.Empty);
        foreach (var (time, value, _) in series)
        {
            history.Add(time, value, 1);
        }

        var features = new FeatureBuilder(history);
        var perDay = (int)(TimeSpan.FromDays(1) / TimeSpan.FromMinutes(minutes));
        var origins = 0;
        for (var t = features.FirstOrigin; t < history.Count - 1; t += perDay / 7)
        {
            origins++;
            var steps = Math.Min(150, (int)(history.Count - 1 - t));
            var batch = features.Baselines(t, steps);
            for (var k = 1; k <= steps; k++)
            {
                Assert.True(double.IsFinite(batch[k - 1]));
                Assert.Equal(BitConverter.DoubleToInt64Bits(features.Baseline(t, k)), BitConverter.DoubleToInt64Bits(batch[k - 1]));
            }
        }

        Assert.True(origins > 50, $"only {origins} origins of {history.Count} points");
    }

    [Fact]
    public void Predict_PublishedQuantiles_AreTheForecastsQuantileFunction()
    {
        // The p10/p50/p90 arrays are filled from per-anchor residual quantiles computed once; they must be exactly
        // what the forecast's own Quantile (which the planner calls at its coverage level) gives for those levels.
        var forecaster = ForecasterTests.Feed(SyntheticSeries.Daily(days: 3, TimeSpan.FromMinutes(5)), new ForecasterOptions { Horizon = TimeSpan.FromHours(2) });
        var forecast = forecaster.Predict(30);
        for (var j = 0; j < forecast.Steps; j++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(forecast.Quantile(j, 0.5)), BitConverter.DoubleToInt64Bits(forecast.P50[j]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(forecast.Quantile(j, 0.1)), BitConverter.DoubleToInt64Bits(forecast.P10[j]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(forecast.Quantile(j, 0.9)), BitConverter.DoubleToInt64Bits(forecast.P90[j]));
        }
    }

    [Fact]
    public void Score_DirectTreeEvaluation_MatchesPredictionEngine()
    {
        var forecaster = ForecasterTests.Feed(SyntheticSeries.Daily(days: 3, TimeSpan.FromMinutes(5)), new ForecasterOptions { Horizon = TimeSpan.FromHours(1) });
        var model = forecaster.CurrentModel!;
        Assert.True(model.HasTreeEnsemble);
        var random = new Random(5);
        var features = new float[FeatureBuilder.Count];
        for (var i = 0; i < 200; i++)
        {
            for (var f = 0; f < features.Length; f++)
            {
                features[f] = (float)((random.NextDouble() * 4) - 2);
            }

            Assert.Equal(model.ScoreWithEngine(features), model.Score(features), 4);
        }
    }

    [Fact]
    public void For_Horizon_AnchorsIncreasingAndEndAtHorizon()
    {
        Assert.Equal([1, 2, 3, 4, 6, 9, 14, 15], HorizonAnchors.For(15));
        Assert.Equal([1], HorizonAnchors.For(1));
        Assert.Equal((4, 5, 1.0 / 3), HorizonAnchors.Bracket(HorizonAnchors.For(15), 7));
    }

    private static SeriesHistory History(List<(DateTimeOffset Time, double Value, double Clean)> series, int count)
    {
        var history = new SeriesHistory(10_000, null, EventCalendar.Empty);
        foreach (var p in series.Take(count))
        {
            history.Add(p.Time, p.Value, 1);
        }

        return history;
    }

    [Fact]
    public void History_GapLongerThanItsCapacity_FillsOnlyWhatItKeeps()
    {
        // A mis-dated trace that jumps a century: filling (and forecasting) every minute of it took minutes and gigabytes.
        var history = new SeriesHistory(1_000, null, EventCalendar.Empty);
        var start = new DateTimeOffset(1995, 7, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 10; i++)
        {
            history.Add(start.AddMinutes(i), 100 + i, 1);
        }

        var added = history.Add(start.AddYears(100), 50, 1);

        Assert.Equal(1_001, added);
        Assert.Equal((long)Math.Round((start.AddYears(100) - start) / TimeSpan.FromMinutes(1)) + 1, history.Count);
        Assert.Equal(start.AddYears(100), history.TimeOf(history.Count - 1));
        Assert.Equal(50, history.Value(history.Count - 1));
        Assert.Equal((1.0, 0.0), (history.Weight(history.Count - 1), history.Weight(history.Count - 2)));
        Assert.InRange(history.Mean(history.FirstAvailable, history.Count), 50, 109);
    }
}
