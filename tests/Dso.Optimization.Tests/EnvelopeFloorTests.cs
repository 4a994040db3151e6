using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>
/// The floor (min_instances of the smallest type) covers quiet rows whatever the multipliers are. The fit must not
/// spend that coverage as its own: rows the floor happened to cover still count as misses of the catch-all feature,
/// so its multiplier is the demand's own spread and the bound rises with the level once demand outgrows the floor.
/// </summary>
public sealed class EnvelopeFloorTests
{
    private const double Floor = 540;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fit_FloorCoversTheHistory_LevelMultiplierStillCoversTheSpread(bool sqrt)
    {
        // Level 300 with 30 % noise: demand rarely passes the floor of 540, so with the floor's help any multiplier
        // "covers" 98 % of rows (the old fit returned its lowest, x0.5, and the bound was the floor's alone).
        var (x, y, ratios) = Samples(new Random(5), 300, 2000);
        var (multipliers, catchAll, isSqrt) = new EnvelopeFit(x, y, 1, [sqrt], Floor).Fit([.. Enumerable.Range(0, y.Length)], [true], 0.98);

        // The bound the fit gives at the level it saw must be demand's own 98th percentile there (the floor held it up
        // in the history; it will not once the level doubles on a busy afternoon, and the bound scales from this).
        var spread = ratios[(int)(0.98 * ratios.Length)];
        var bound = isSqrt ? 300 + (multipliers[0] * Math.Sqrt(300)) : multipliers[0] * 300;
        Assert.Equal(0, catchAll);
        Assert.True(bound >= 0.95 * spread * 300,
            $"bound {bound:0.#} at level 300, demand's p98 there {spread * 300:0.#}: the floor's coverage was taken for the feature's (m={multipliers[0]}, sqrt {isSqrt})");
    }

    [Fact]
    public void Fit_FloorCoversTheHistory_BoundOverQuietRowsIsStillTheFloor()
    {
        // The honest multiplier costs nothing while the level is low: the bound there stays below the floor, which the
        // planner holds anyway.
        var (x, y, _) = Samples(new Random(6), 200, 2000);
        var (multipliers, _, _) = new EnvelopeFit(x, y, 1, [false], Floor).Fit([.. Enumerable.Range(0, y.Length)], [true], 0.98);
        Assert.True(multipliers[0] * 200 < Floor, $"bound {multipliers[0] * 200:0.#} over quiet rows");
    }

    /// <summary>A level with 5 % wander and demand around it with 30 % noise; also the sorted demand/level ratios.</summary>
    private static (double[][] X, double[] Y, double[] Ratios) Samples(Random random, double level, int n)
    {
        var x = new double[n][];
        var y = new double[n];
        var ratios = new double[n];
        for (var i = 0; i < n; i++)
        {
            var f = level * (1 + (0.05 * Gaussian(random)));
            y[i] = Math.Max(0, f * (1 + (0.3 * Gaussian(random))));
            x[i] = [f];
            ratios[i] = y[i] / f;
        }

        Array.Sort(ratios);
        return (x, y, ratios);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
