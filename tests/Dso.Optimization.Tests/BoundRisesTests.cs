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
}
