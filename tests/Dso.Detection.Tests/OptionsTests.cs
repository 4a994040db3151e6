using System.ComponentModel.DataAnnotations;

namespace Dso.Detection.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Create_DefaultOptions_Succeeds() => Assert.NotNull(AnomalyDetectors.Create());

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    public void Create_ThresholdOutOfRange_Throws(double threshold) =>
        Assert.Throws<ValidationException>(() => AnomalyDetectors.Create(new AnomalyDetectorOptions { Threshold = threshold }));

    [Fact]
    public void Create_MinPeriodAboveMaxPeriod_Throws() =>
        Assert.Throws<ValidationException>(() => AnomalyDetectors.Create(new AnomalyDetectorOptions { MinPeriod = 500, MaxPeriod = 100 }));

    [Fact]
    public void Defaults_MatchNamedConstants()
    {
        var options = new AnomalyDetectorOptions();

        Assert.Equal(AnomalyDetectorOptions.DefaultThreshold, options.Threshold);
        Assert.Equal(AnomalyDetectorOptions.DefaultWarmupPoints, options.WarmupPoints);
        Assert.Equal(AnomalyDetectorOptions.DefaultSuppressionPoints, options.SuppressionPoints);
    }
}
