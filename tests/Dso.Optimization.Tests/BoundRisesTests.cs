using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>The scale-in margin is a quantile of the bound's relative one-tick rises, trusted only after enough of them.</summary>
public sealed class BoundRisesTests
{
    [Fact]
    public void Margin_IsTheQuantileOfRelativeRises_FlooredAndCapped()
    {
        var rises = new BoundRises(200);
        var bound = 100.0;
        rises.Observe(bound);
        // 100 rises: 0 %, 0.1 %, ..., 9.9 % (the bound falls back after each).
        for (var i = 0; i < 100; i++)
        {
            rises.Observe(bound * (1 + (i / 1000.0)));
            rises.Observe(bound);
        }

        // The falls back (-i/(100+i)) are the other half of the 200 recorded: the 90th percentile is the 80th rise.
        Assert.Equal(200, rises.Count);
        Assert.Equal(0.079, rises.Margin(0.9), 6);
        Assert.Equal(0, rises.Margin(0.4));
        Assert.Equal(0.099, rises.Margin(0.999), 6);
        rises.Observe(bound * 3);
        Assert.Equal(BoundRises.MaxMargin, rises.Margin(0.999));
        Assert.Equal(0, rises.Margin(0));
    }

    [Fact]
    public void Margin_ZeroUntilEnoughRises_AndTheRingForgetsTheOldest()
    {
        var rises = new BoundRises(BoundRises.MinSamples);
        rises.Observe(100);
        for (var i = 1; i < BoundRises.MinSamples; i++)
        {
            rises.Observe(100 * Math.Pow(1.2, i));
        }

        Assert.Equal(0, rises.Margin(0.9));
        rises.Observe(100 * Math.Pow(1.2, BoundRises.MinSamples));
        Assert.Equal(0.2, rises.Margin(0.9), 9);

        // A flat stretch as long as the ring replaces every rise.
        for (var i = 0; i < BoundRises.MinSamples; i++)
        {
            rises.Observe(500);
        }

        Assert.Equal(0, rises.Margin(0.9), 9);
    }

    [Fact]
    public void Margin_EqualsTheQuantileOfAFullSortOfTheRing_AcrossWrapsAndTies()
    {
        // The sorted copy is updated per rise (oldest out, newest in); it must hold exactly the ring's values, so every
        // quantile equals the one a full sort of the last `capacity` rises gives (ties and gaps in the bound included).
        const int capacity = 50;
        var random = new Random(7);
        var rises = new BoundRises(capacity);
        var recorded = new List<double>();
        var previous = double.NaN;
        for (var tick = 0; tick < 600; tick++)
        {
            // Repeated levels (ties), occasional gaps (a non-positive bound resets the previous one) and jumps.
            var bound = random.Next(12) == 0 ? 0 : 100 * (1 + random.Next(8) / 4.0) * (random.Next(20) == 0 ? 3 : 1);
            rises.Observe(bound);
            if (bound > 0 && double.IsFinite(previous))
            {
                recorded.Add((bound / previous) - 1);
            }

            previous = bound > 0 ? bound : double.NaN;
            var window = recorded.Skip(Math.Max(0, recorded.Count - capacity)).Order().ToArray();
            Assert.Equal(window.Length, rises.Count);
            foreach (var q in (double[])[0.5, 0.9, 0.98, 1.0])
            {
                var expected = window.Length < BoundRises.MinSamples
                    ? 0
                    : Math.Clamp(window[Math.Clamp((int)Math.Ceiling((q * window.Length) - 1e-9) - 1, 0, window.Length - 1)], 0, BoundRises.MaxMargin);
                Assert.Equal(expected, rises.Margin(q));
            }
        }
    }
}
