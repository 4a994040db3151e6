using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>
/// The expected-value hold of a scale-in (<c>scale_in_expected_hold</c>): a scale-in waits a tick while the odds that
/// the next tick's bound rises past what it leaves, times the relaunch's boot billed for nothing, exceed one tick of
/// its saving. Measured without the scale-in margin, as while a hard budget binds (where the margin is off).
/// </summary>
public sealed class ScaleInExpectedHoldTests
{
    /// <summary>
    /// A slow wave with jitter of a few percent every minute and no spikes: the bound rises by a little on many ticks,
    /// so a scale-in that leaves the fleet just covering it is relaunched the next tick more often than not. (Rare big
    /// spikes, as in <see cref="ScaleInChurnTests.Spiky"/>, are the other case: there a reversal is the cheaper side
    /// and the hold rightly keeps out.)
    /// </summary>
    private static double[] Jittery(Random random, int ticks)
    {
        var level = 400 + (random.NextDouble() * 400);
        return [.. Enumerable.Range(0, ticks).Select(i => level * (1 + (0.3 * Math.Sin(2 * Math.PI * i / 240))) * (1 + (0.08 * (random.NextDouble() - 0.5))))];
    }

    /// <summary>A 10-minute boot: holding pays once the odds of a relaunch pass a tenth.</summary>
    private static readonly TimeSpan Boot = TimeSpan.FromMinutes(10);

    [Fact]
    public void JitteryDemand_TheHoldCutsNextTickReversalsWithoutHoldingMoreCapacity()
    {
        int with = 0, without = 0, holds = 0;
        double capacityWith = 0, capacityWithout = 0;
        for (var seed = 0; seed < 10; seed++)
        {
            var demand = Jittery(new Random(seed), 720);
            var on = ScaleInChurnTests.Ticks(new Dictionary<string, double> { ["scale_in_margin"] = 0, ["scale_in_band"] = 0, ["self_correction"] = 0, ["scale_in_expected_hold"] = 1 }, demand, seed, boot: Boot).Skip(120).ToList();
            var off = ScaleInChurnTests.Ticks(new Dictionary<string, double> { ["scale_in_margin"] = 0, ["scale_in_band"] = 0, ["self_correction"] = 0, ["scale_in_expected_hold"] = 0 }, demand, seed, boot: Boot)
                .Skip(120).ToList();
            holds += on.Count(t => t.Reason.Contains("scale-in held for a tick", StringComparison.Ordinal));
            with += ScaleInChurnTests.ReversedNext(on);
            without += ScaleInChurnTests.ReversedNext(off);
            capacityWith += on.Sum(t => t.Capacity);
            capacityWithout += off.Sum(t => t.Capacity);
        }

        Assert.True(without >= 20, $"without the hold, jitter reverses scale-ins the next tick ({without})");
        Assert.True(with * 2 <= without, $"the hold at least halves next-tick reversals ({with} vs {without})");
        Assert.True(capacityWith <= capacityWithout * 1.05, $"for at most 5 % more capacity ({capacityWith / capacityWithout:0.###}x)");
        Assert.True(holds > 0, "a tick the hold holds says so in its reason");
    }

    [Fact]
    public void ByDefault_TheHoldIsOff()
    {
        // Off by default (a trade under a budget spent to its line): the default policy plans as with the hold off.
        var demand = Jittery(new Random(3), 720);
        var parameters = new Dictionary<string, double> { ["scale_in_margin"] = 0, ["scale_in_band"] = 0, ["self_correction"] = 0 };
        var byDefault = ScaleInChurnTests.Ticks(parameters, demand, 3, boot: Boot);
        var off = ScaleInChurnTests.Ticks(new Dictionary<string, double>(parameters) { ["scale_in_expected_hold"] = 0 }, demand, 3, boot: Boot);
        var on = ScaleInChurnTests.Ticks(new Dictionary<string, double>(parameters) { ["scale_in_expected_hold"] = 1 }, demand, 3, boot: Boot);
        Assert.Equal(off.Select(t => t.Move), byDefault.Select(t => t.Move));
        Assert.DoesNotContain(byDefault, t => t.Reason.Contains("for a tick", StringComparison.Ordinal));
        Assert.Contains(on, t => t.Reason.Contains("for a tick", StringComparison.Ordinal));
    }

    [Fact]
    public void Exceedance_IsTheShareOfRecentRisesAboveTheSlack()
    {
        var rises = new BoundRises(100);
        Assert.Equal(0, rises.Exceedance(0)); // too few rises: no odds
        var bound = 100.0;
        rises.Observe(bound);
        for (var i = 0; i < 100; i++)
        {
            // Alternately +10 % and back down (-9.09 %): half the rises are above 5 %, none above 10 %.
            bound = i % 2 == 0 ? bound * 1.1 : bound / 1.1;
            rises.Observe(bound);
        }

        Assert.Equal(0.5, rises.Exceedance(0.05), 3);
        Assert.Equal(0, rises.Exceedance(0.1 + 1e-9), 3);
        Assert.Equal(1, rises.Exceedance(-0.5), 3);
    }
}
