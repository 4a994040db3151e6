namespace Dso.Detection.Tests;

public sealed class DetectorBehaviourTests
{
    [Fact]
    public void Observe_CleanDailyCycleOverSevenDays_RaisesNoAlert()
    {
        var values = GeneratedSeries.DailyCycle(days: 7, seed: 3);

        var results = GeneratedSeries.Run(values);

        Assert.DoesNotContain(results, r => r.IsAnomaly);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Observe_ArbitraryInputs_ScoresStayInUnitInterval(int seed)
    {
        var random = new Random(seed);
        var detector = AnomalyDetectors.Create();
        var value = 0.0;
        for (var i = 0; i < 5000; i++)
        {
            // Random walk with occasional huge jumps, non-finite values and long flat stretches.
            value = i % 997 < 50 ? value : value + GeneratedSeries.Gaussian(random) * (random.NextDouble() < 0.01 ? 1e6 : 1);
            var input = (i % 501) switch { 0 => double.NaN, 1 => double.PositiveInfinity, 2 => double.NegativeInfinity, _ => value };

            var result = detector.Observe(GeneratedSeries.TimestampOf(i), input);

            Assert.InRange(result.Score, 0.0, 1.0);
            Assert.False(double.IsNaN(result.Score));
        }
    }

    [Fact]
    public void Observe_NaN_ScoresZeroAndKeepsState()
    {
        var values = GeneratedSeries.DailyCycle(days: 2);
        var withGaps = values.Select((v, i) => i % 50 == 25 ? double.NaN : v).ToArray();

        var results = GeneratedSeries.Run(withGaps);

        Assert.All(results.Where((_, i) => i % 50 == 25), r => Assert.Equal(0.0, r.Score));
        Assert.DoesNotContain(results, r => r.IsAnomaly);
    }

    [Fact]
    public void Observe_ConstantSeries_NoAlertThenStepIsFlagged()
    {
        var values = Enumerable.Repeat(42.0, 2000).Concat(Enumerable.Repeat(50.0, 100)).ToArray();

        var results = GeneratedSeries.Run(values);

        Assert.DoesNotContain(results.Take(2000), r => r.IsAnomaly);
        Assert.True(results[2000].IsAnomaly);
        Assert.Equal(AnomalyKind.SpikeUp, results[2000].Kind);
    }

    [Fact]
    public void Observe_AllZeroSeries_NeverAlerts()
    {
        var results = GeneratedSeries.Run(new double[3000]);

        Assert.All(results, r => Assert.Equal(0.0, r.Score));
    }

    [Fact]
    public void Observe_SameInputTwice_IdenticalScores()
    {
        var values = GeneratedSeries.DailyCycle(days: 4);
        values[700] += 80;

        var first = GeneratedSeries.Run(values);
        var second = GeneratedSeries.Run(values);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Observe_ScoreOfPoint_DoesNotDependOnLaterPoints()
    {
        var values = GeneratedSeries.DailyCycle(days: 3);
        var altered = (double[])values.Clone();
        for (var i = 500; i < altered.Length; i++)
        {
            altered[i] *= 3;
        }

        var original = GeneratedSeries.Run(values);
        var changed = GeneratedSeries.Run(altered);

        Assert.Equal(original.Take(500), changed.Take(500));
    }

    [Fact]
    public void Observe_AfterAlert_FollowingPointsOfSameIncidentAreDamped()
    {
        var values = GeneratedSeries.DailyCycle(days: 4);
        for (var i = 800; i < 820; i++)
        {
            values[i] += 100 + i - 800;
        }

        var results = GeneratedSeries.Run(values);

        Assert.True(results[800].IsAnomaly);
        Assert.True(results.Skip(801).Take(19).Count(r => r.IsAnomaly) <= 2, "a ramp of one incident should raise at most a couple of alerts");
    }
}
