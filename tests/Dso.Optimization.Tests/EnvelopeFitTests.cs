using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>
/// The optimized envelope fit (flat columns, precomputed catch-all terms, its own bounded heap) must choose exactly
/// what the plain one did: the simulation's decisions depend on every bit of the multipliers.
/// </summary>
public sealed class EnvelopeFitTests
{
    [Theory]
    [InlineData(1, 0.99, 2000)]
    [InlineData(2, 0.95, 500)]
    [InlineData(3, 0.9, 120)]
    [InlineData(4, 0.999, 2000)]
    [InlineData(5, 0.8, 40)]
    public void Fit_IsBitForBitTheReferenceFit(int seed, double quantile, int samples)
    {
        var random = new Random(seed);
        const int features = 8;
        var (x, y) = Samples(random, features, samples);
        for (var trial = 0; trial < 6; trial++)
        {
            var use = Enumerable.Range(0, features).Select(j => j == 0 || random.NextDouble() < 0.8).ToArray();
            var rows = Enumerable.Range(0, samples).Where(_ => random.NextDouble() < 0.9).ToList();
            var floor = trial % 2 == 0 ? 0 : 40;
            bool[] modes = trial % 3 == 0 ? [false] : [false, true];

            var expected = new EnvelopeFitReference(x, y, features, modes, floor).Fit(rows, use, quantile);
            var actual = new EnvelopeFit(x, y, features, modes, floor).Fit(rows, use, quantile);

            Assert.Equal(expected.CatchAll, actual.CatchAll);
            Assert.Equal(expected.Sqrt, actual.Sqrt);
            Assert.Equal(expected.Multipliers.Select(BitConverter.DoubleToInt64Bits), actual.Multipliers.Select(BitConverter.DoubleToInt64Bits));
        }
    }

    /// <summary>
    /// Demand with a daily shape and bursts; features that track it with noise, one mostly zero (a burst clock), one
    /// lagging, one with ties (rounded), so the descent, the sparse-feature rule and equal ratios are all exercised.
    /// </summary>
    private static (double[][] X, double[] Y) Samples(Random random, int features, int n)
    {
        var x = new double[n][];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            var shape = 100 + (80 * Math.Sin(i * 2 * Math.PI / 288));
            var burst = random.NextDouble() < 0.03 ? 150 * random.NextDouble() : 0;
            y[i] = Math.Max(0, shape + burst + (10 * Gaussian(random)));
            var row = new double[features];
            row[0] = Math.Max(0, shape + (15 * Gaussian(random)));
            row[1] = Math.Max(0, y[Math.Max(0, i - 1)]);
            row[2] = Math.Round(shape * 1.1);
            row[3] = Math.Max(0, shape * (0.9 + (0.2 * random.NextDouble())));
            row[4] = i > 5 ? y[i - 5] : 0;
            row[5] = Math.Max(0, shape + (25 * Gaussian(random)));
            row[6] = burst > 0 && random.NextDouble() < 0.5 ? burst + shape : 0;
            row[7] = Math.Max(0, shape + (i % 7));
            x[i] = row;
        }

        return (x, y);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
