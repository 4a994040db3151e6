using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>The planner's own demand bound: calibrated coverage from its history, and seasonality it learns.</summary>
public sealed class OutlookTests
{
    private static DemandOutlook Outlook(double quantile) =>
        new(TimeSpan.FromMinutes(1), 5, new CostOptimizerOptions { CoverageQuantile = quantile, CalibrationWindow = TimeSpan.FromHours(48) });

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.98)]
    public void StationaryNoise_CoverageIsNearTheQuantile(double quantile)
    {
        var random = new Random(11);
        var outlook = Outlook(quantile);
        var bounds = new Queue<double>();
        int covered = 0, scored = 0;
        for (var i = 0; i < 6000; i++)
        {
            var demand = 1000 * (1 + 0.2 * Gaussian(random));
            if (bounds.Count == 5)
            {
                var bound = bounds.Dequeue();
                if (i > 3000)
                {
                    scored++;
                    covered += demand <= bound ? 1 : 0;
                }
            }

            bounds.Enqueue(outlook.Observe(demand, null).Upper[^1]);
        }

        var coverage = (double)covered / scored;
        Assert.InRange(coverage, quantile - 0.03, Math.Min(1, quantile + 0.03));
    }

    [Fact]
    public void DailyBurst_IsAnticipatedFromPastDays()
    {
        // Only the burst's first rows (before recent demand shows it) are misses, ~0.2% of rows: cover them at 0.999.
        var outlook = Outlook(0.999);
        double beforeBurst = 0, quiet = 0;
        for (var i = 0; i < 4 * 1440; i++)
        {
            var minute = i % 1440;
            var demand = minute is >= 600 and < 615 ? 2000.0 : 400.0;
            var upper = outlook.Observe(demand, null).Upper[^1];
            if (i / 1440 == 3 && minute == 597)
            {
                // Two minutes before the burst: the row five minutes out is inside it.
                beforeBurst = upper;
            }

            if (i / 1440 == 3 && minute == 300)
            {
                quiet = upper;
            }
        }

        Assert.True(beforeBurst >= 2000, $"burst not anticipated: bound {beforeBurst} m=[{string.Join(", ", outlook.Calibrator.Multipliers)}] c={outlook.Calibrator.CatchAll} n={outlook.Calibrator.Samples}");
        Assert.True(quiet < 700, $"quiet hours over-provisioned: bound {quiet}");
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void Observe_TrafficReturnsAfterADayOfZeros_BoundCoversTheReturningDemand()
    {
        var outlook = new DemandOutlook(TimeSpan.FromMinutes(1), 5, new CostOptimizerOptions(), floorCapacity: 220);
        var random = new Random(8);
        for (var i = 0; i < 12 * 60; i++)
        {
            outlook.Observe(300 * (1 + (0.1 * random.NextDouble())), null);
        }

        // An outage soon after the start: more zeros than traffic in the calibration window, refitted many times.
        for (var i = 0; i < 40 * 60; i++)
        {
            outlook.Observe(0, null);
        }

        var upper = 0.0;
        for (var i = 0; i < 10; i++)
        {
            upper = outlook.Observe(450, null).Upper[^1];
        }

        Assert.True(upper >= 450, $"bound {upper:0.#} rps with 450 rps returning");
    }

    [Fact]
    public void Observe_DailyKickOffRamps_BoundMeetsTheRampWhereItWillBe()
    {
        // Each day at a different time (so no seasonal feature knows it), demand climbs from 300 by 60 rps a minute
        // for 20 minutes, holds, then falls back: by the third ramp the bound five rows out must be where the ramp will be.
        var outlook = Outlook(0.98);
        var random = new Random(12);
        var start = new[] { 600, 1440 + 900, (2 * 1440) + 300 };
        double Demand(int i)
        {
            var ramp = start.Select(s => i - s).Where(t => t is >= 0 and < 60).DefaultIfEmpty(-1).First();
            var level = ramp < 0 ? 300 : 300 + (60 * Math.Min(ramp, 20));
            return level * (1 + (0.03 * random.NextDouble()));
        }

        var bounds = new Dictionary<int, double>();
        for (var i = 0; i < start[2] + 30; i++)
        {
            bounds[i] = outlook.Observe(Demand(i), null).Upper[^1];
        }

        // Ten minutes into the third ramp (900 rps and climbing 60 a minute): five minutes on it will be about 1,200.
        Assert.True(bounds[start[2] + 10] >= 300 + (60 * 14), $"bound {bounds[start[2] + 10]:0} rps ten minutes into the ramp");
        // And meeting ramps does not cost headroom the rest of the day (without the ramp feature: about 400 rps).
        Assert.True(bounds[start[2] - 60] <= 350, $"bound {bounds[start[2] - 60]:0} rps an hour before, demand about 300");
    }
}
