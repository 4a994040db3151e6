using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>
/// The SIMD rejection test in front of the envelope fit's exact cost: it may only reject a candidate whose row-order
/// mean is at or above the stop level, or the fit would skip a better envelope and decisions would change.
/// </summary>
public sealed class EnvelopeCostFilterTests
{
    [Theory]
    [InlineData(1, 2000, false)]
    [InlineData(2, 2000, true)]
    [InlineData(3, 37, false)]
    [InlineData(4, 3, true)]
    [InlineData(5, 1999, true)]
    public void CertainlyAtLeast_RejectsOnlyWhatTheSequentialSumRejects(int seed, int n, bool sqrt)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 200; trial++)
        {
            var (f, root, others, demand) = Rows(random, n);
            var level = sqrt ? (random.NextDouble() * 4) - 1 : 0.5 + random.NextDouble();
            var price = random.NextDouble() * 200;
            var mean = SequentialMean(f, root, others, demand, n, sqrt, level, price);

            // Just above the exact mean: the fit would accept this candidate, so it must not be rejected.
            Assert.False(EnvelopeCostFilter.CertainlyAtLeast(f, root, others, demand, n, sqrt, level, price, Math.BitIncrement(mean)));
            // Clearly below: the filter is only useful if it rejects these.
            Assert.True(EnvelopeCostFilter.CertainlyAtLeast(f, root, others, demand, n, sqrt, level, price, mean * (1 - 1e-9)));
        }
    }

    [Fact]
    public void CertainlyAtLeast_NegativeOthers_NeverRejects()
    {
        var random = new Random(7);
        var (f, root, others, demand) = Rows(random, 64);
        others[10] = -1;
        Assert.False(EnvelopeCostFilter.CertainlyAtLeast(f, root, others, demand, 64, false, 1, 10, 0));
    }

    [Fact]
    public void MaxScaled_IsTheScalarMax()
    {
        var random = new Random(3);
        const int n = 1003;
        var rest = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 100).ToArray();
        var column = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 100).ToArray();
        var into = new double[n];
        EnvelopeCostFilter.MaxScaled(into, rest, 0.93, column, n);
        Assert.Equal(Enumerable.Range(0, n).Select(r => Math.Max(rest[r], 0.93 * column[r])), into);
    }

    [Theory]
    [InlineData(1, 2000, 20, 0.0)]
    [InlineData(2, 37, 1, 40.0)]
    [InlineData(3, 500, 500, 10.0)]
    [InlineData(4, 3, 2, 0.0)]
    public void OfferMisses_LeavesHeapAndFloorAsThePlainLoop(int seed, int n, int capacity, double floor)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < 50; trial++)
        {
            var others = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.3 ? 0 : random.NextDouble() * 100).ToArray();
            var demand = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 100).ToArray();
            // Rounded ratios, so offers equal to the heap's minimum (no-ops in the plain loop) occur.
            var ratio = Enumerable.Range(0, n).Select(_ => Math.Round(random.NextDouble() * 20, 1)).ToArray();
            var plainOthers = (double[])others.Clone();
            var plain = new BoundedMinHeap(new double[n + 2], capacity);
            for (var r = 0; r < n; r++)
            {
                var raw = plainOthers[r];
                plainOthers[r] = Math.Max(raw, floor);
                if (raw < demand[r])
                {
                    plain.Offer(ratio[r]);
                }
            }

            var items = new double[n + 2];
            var heap = new BoundedMinHeap(items, capacity);
            EnvelopeCostFilter.OfferMisses(ref heap, capacity, others, demand, ratio, floor, n);

            Assert.Equal(plainOthers, others);
            Assert.Equal(plain.Count, heap.Count);
            Assert.Equal(plain.Count > 0 ? plain.Min : double.NaN, heap.Count > 0 ? heap.Min : double.NaN);
        }
    }

    private static double SequentialMean(double[] f, double[] root, double[] others, double[] demand, int n, bool sqrt, double level, double price)
    {
        var cost = 0.0;
        for (var r = 0; r < n; r++)
        {
            var u = Math.Max(sqrt ? f[r] + (level * root[r]) : level * f[r], others[r]);
            cost += u + (price * Math.Max(0, demand[r] - u));
        }

        return cost / n;
    }

    private static (double[] F, double[] Root, double[] Others, double[] Demand) Rows(Random random, int n)
    {
        // Magnitudes spread over several decades so rounding differs between summation orders.
        var f = Enumerable.Range(0, n).Select(_ => Math.Pow(10, random.NextDouble() * 5) * random.NextDouble()).ToArray();
        var root = f.Select(v => Math.Sqrt(Math.Max(v, 1))).ToArray();
        var others = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.5 ? 0 : Math.Pow(10, random.NextDouble() * 5)).ToArray();
        var demand = f.Select(v => v * (0.5 + random.NextDouble())).ToArray();
        return (f, root, others, demand);
    }
}
