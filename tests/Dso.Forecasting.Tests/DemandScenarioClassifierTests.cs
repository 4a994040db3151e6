using MathNet.Numerics.Statistics;

namespace Dso.Forecasting.Tests;

/// <summary>
/// The low/peak thresholds are selected, not sorted, for speed; the forecast's periods depend on their bits, so they
/// must be exactly the sorted-array quantiles they replaced.
/// </summary>
public sealed class DemandScenarioClassifierTests
{
    [Theory]
    [InlineData(1, 10_080, 0.25, 0.90)]
    [InlineData(2, 1, 0.25, 0.90)]
    [InlineData(3, 2, 0.25, 0.90)]
    [InlineData(4, 7, 0.0, 1.0)]
    [InlineData(5, 500, 0.01, 0.999)]
    public void Thresholds_AreTheSortedArrayQuantiles(int seed, int n, double low, double peak)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 50; trial++)
        {
            // Ties (rounded values), zeros and a few non-finite points, as a real week has outages and gaps.
            var recent = Enumerable.Range(0, n).Select(_ => random.NextDouble() switch
            {
                < 0.01 => double.NaN,
                < 0.05 => 0,
                < 0.5 => Math.Round(random.NextDouble() * 50),
                _ => random.NextDouble() * 1000,
            }).ToArray();
            var sorted = recent.Where(double.IsFinite).Order().ToArray();

            var (lowValue, peakValue) = DemandScenarioClassifier.Thresholds(recent, low, peak);

            if (sorted.Length == 0)
            {
                Assert.Equal((double.NegativeInfinity, double.PositiveInfinity), (lowValue, peakValue));
                continue;
            }

            Assert.Equal(BitConverter.DoubleToInt64Bits(SortedArrayStatistics.Quantile(sorted, low)), BitConverter.DoubleToInt64Bits(lowValue));
            Assert.Equal(BitConverter.DoubleToInt64Bits(SortedArrayStatistics.Quantile(sorted, peak)), BitConverter.DoubleToInt64Bits(peakValue));
        }
    }
}
