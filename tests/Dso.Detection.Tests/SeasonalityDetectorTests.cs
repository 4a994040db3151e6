namespace Dso.Detection.Tests;

public sealed class SeasonalityDetectorTests
{
    [Theory]
    [InlineData(24)]
    [InlineData(48)]
    [InlineData(288)]
    public void Detect_NoisyCycle_FindsItsPeriodWithinOnePoint(int period)
    {
        var random = new Random(5);
        var series = Enumerable.Range(0, 8 * period)
            .Select(i => 10 * Math.Sin(2 * Math.PI * i / period) + GeneratedSeries.Gaussian(random))
            .ToArray();

        // Noise can move the autocorrelation peak by a lag; the seasonal baseline tolerates that.
        Assert.InRange(SeasonalityDetector.Detect(series, minPeriod: 4, maxPeriod: 2016), period - 1, period + 1);
    }

    [Fact]
    public void Detect_RandomWalk_FindsNoPeriod()
    {
        var random = new Random(9);
        var value = 0.0;
        var series = Enumerable.Range(0, 4000).Select(_ => value += GeneratedSeries.Gaussian(random)).ToArray();

        Assert.Equal(0, SeasonalityDetector.Detect(series, minPeriod: 4, maxPeriod: 2016));
    }

    [Fact]
    public void Detect_ConstantSeries_FindsNoPeriod() =>
        Assert.Equal(0, SeasonalityDetector.Detect(Enumerable.Repeat(3.0, 1000).ToArray(), 4, 2016));
}
