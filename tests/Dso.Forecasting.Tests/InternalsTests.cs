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
}
