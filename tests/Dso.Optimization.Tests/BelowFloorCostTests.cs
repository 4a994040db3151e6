using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>
/// Samples whose demand and features all sit below the floor (min_instances' capacity) are left out of the coverage
/// the envelope is fitted for, but a multiplier that lifts their bound above the floor buys capacity on every such
/// tick, and the fit must count that. random_sweep.py's r15-17 (wc98-matches at 3-minute ticks, three 89 rps
/// instances, quiet days at 35 rps and a match each evening) fitted "seasonal peak x8.09" on its first match's ramp,
/// whose samples were the only informative ones: the next quiet morning's 35-55 rps were bounded at 270-450 rps and
/// the fleet held six instances all day, money a hard budget 1.04 x the clairvoyant's spend then lacked for the second
/// match (4.39 % unserved against the reactive rule's 0.32 %; 0.15 % with the cost counted).
/// </summary>
public sealed class BelowFloorCostTests
{
    private const double Floor = 267;

    [Fact]
    public void A_multiplier_fitted_on_a_ramp_does_not_lift_the_quiet_rows_above_the_floor()
    {
        var (calibrator, quiet) = Calibrated(new Random(3));
        Assert.True(calibrator.Fitted);
        var lifted = quiet.Count(x => calibrator.Envelope(x) > Floor + 1e-9);
        Assert.True(lifted == 0,
            $"{lifted} of {quiet.Count} quiet samples bounded above the floor of {Floor} (multipliers {string.Join(", ", calibrator.Multipliers)}, catch-all {calibrator.CatchAll})");
    }

    [Fact]
    public void The_quiet_day_after_a_match_is_held_at_the_minimum_fleet()
    {
        // r15-17's shape: three 89 rps instances at the floor, 3-minute ticks, a 20-minute boot, a hard budget a little
        // above what the floor costs, quiet days at 20-45 rps and on the fifth day an evening match, up to 300-600 rps
        // within 18 minutes for four and a half hours; the sixth day is quiet again. Fitted on the match alone, the seasonal
        // peak (yesterday's quiet evening) became the catch-all at +67 x sqrt and asked for 400-490 rps all next day.
        var catalog = new InstanceCatalog([new InstanceType("c5.1x", 1, 2, 0.0498m, 89)]);
        var policy = PlannerHarness.Policy(catalog, new LimitsPolicy { MinInstances = 3, MaxInstances = 40, MaxStepPerTick = 20 }, 23m, TimeSpan.FromMinutes(20))
            with { Tick = TimeSpan.FromMinutes(3) };
        var start = new DateTimeOffset(2026, 7, 3, 0, 0, 0, TimeSpan.Zero);
        var harness = new PlannerHarness(policy, start, TimeSpan.FromDays(6), hardBudget: true);
        harness.Seed(Fleet.Of(("c5.1x", 3)));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        var random = new Random(11);
        const int day = 480;
        var demand = Enumerable.Range(0, 6 * day).Select(i =>
        {
            var t = i % day;
            var quiet = 30 + (10 * Math.Sin(2 * Math.PI * t / day)) + (5 * random.NextDouble());
            return i / day == 4 && t >= 380 && t < 470 ? quiet + (Math.Min(1, (t - 380) / 6.0) * (300 + (300 * random.NextDouble()))) : quiet;
        }).ToArray();
        var raised = new List<int>();
        var matchServed = 0;
        harness.Run(planner, demand, (i, context, _, _) =>
        {
            if (i / day == 4 && i % day >= 400 && i % day < 420 && catalog.Capacity(context.Ready) >= demand[i])
            {
                matchServed++;
            }

            if (i / day == 5 && i % day >= 60 && i % day < 360 && harness.Current["c5.1x"] > 3)
            {
                raised.Add(i % day);
            }
        });

        Assert.True(matchServed > 0, "the match was never served: the run does not test the fit after it");
        Assert.True(raised.Count == 0, $"more than min_instances on {raised.Count} quiet ticks of the next day (from {(raised.Count > 0 ? raised[0] * 3 / 60.0 : 0):0.#} h)");
    }

    /// <summary>
    /// Two features, the recent level (lagging a ramp by a few ticks) and the seasonal peak (yesterday's quiet 35 rps):
    /// three quiet days, then three with an evening ramp to 640 rps and back. Returns the quiet days' features.
    /// </summary>
    private static (EnvelopeCalibrator Calibrator, List<double[]> Quiet) Calibrated(Random random)
    {
        var calibrator = new EnvelopeCalibrator(2, 4000, 0.98, 30) { Floor = Floor };
        var quiet = new List<double[]>();
        var history = new List<double>();
        for (var day = 0; day < 6; day++)
        {
            for (var t = 0; t < 480; t++)
            {
                var match = day >= 3 && t >= 400 && t < 460;
                var demand = match ? 35 + (605 * Math.Sin(Math.PI * (t - 400) / 60)) : 35 + (10 * random.NextDouble());
                var level = history.Count >= 7 ? history.Skip(history.Count - 7).Take(3).Average() : demand;
                var seasonal = 35 + (20 * random.NextDouble());
                double[] features = [level, seasonal];
                calibrator.Add(features, demand);
                if (day < 3)
                {
                    quiet.Add(features);
                }

                history.Add(demand);
            }
        }

        calibrator.Refit([true, true]);
        return (calibrator, quiet);
    }
}
