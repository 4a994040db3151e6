using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Optimization.Strategies.CostOptimizer.Steps;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>
/// Churn: demand that oscillates around an instance boundary must not make the planner remove an instance one tick
/// and relaunch it the next (the scale-in window), and no offering is scaled in within the billing minimum of a
/// launch of it (the billing-minimum hold). Each rule is also switched off to show the test sees the difference.
/// </summary>
public sealed class ScaleInChurnTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly InstanceCatalog Catalog = new(
    [
        new InstanceType("small", 2, 4, 0.10m, 100),
        new InstanceType("large", 8, 16, 0.36m, 400),
    ]);

    /// <summary>Per tick: did the guarded plan lower capacity (-1), raise it (+1) or neither (0).</summary>
    private static int[] Moves(IReadOnlyDictionary<string, double> parameters, double[] demand, int seed) =>
        [.. Ticks(parameters, demand, seed).Select(t => t.Move)];

    /// <summary>Per tick: the move, the step that decided it and the capacity kept after it.</summary>
    internal static List<(int Move, string Step, double Capacity, string Reason)> Ticks(IReadOnlyDictionary<string, double> parameters, double[] demand, int seed,
        decimal monthlyUsd = 100_000, TimeSpan? stabilization = null, TimeSpan? tick = null, TimeSpan? boot = null)
    {
        // Observed-demand stabilization of one tick, so only the new window can hold a dip in the recommendation.
        var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy
        {
            MinInstances = 1,
            MaxInstances = 100,
            MaxStepPerTick = 50,
            ScaleDownStabilization = stabilization ?? TimeSpan.FromMinutes(1),
        }, monthlyUsd, boot ?? TimeSpan.FromMinutes(3), parameters) with
        {
            Tick = tick ?? TimeSpan.FromMinutes(1),
        };
        var harness = new PlannerHarness(policy, Start.AddDays(seed), TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 3)));
        var ticks = new List<(int, string, double, string)>();
        harness.Run(new CostOptimizerStrategy().CreatePlanner(policy), demand, (i, context, raw, guarded) =>
        {
            var delta = Catalog.Capacity(guarded.Target) - Catalog.Capacity(context.Current);
            ticks.Add((delta > 1e-9 ? 1 : delta < -1e-9 ? -1 : 0, raw.Strategy, Catalog.Capacity(guarded.Target), raw.Reason));
        });
        return ticks;
    }

    /// <summary>
    /// Demand at a level with counting-like noise and, one minute in twelve, a single busy minute 25-45 % above it:
    /// each busy minute lifts the outlook's bound for a tick, as on nasa-jul95, where most scale-ins reversed the next
    /// minute had left less slack than such a rise.
    /// </summary>
    internal static double[] Spiky(Random random, int ticks) => BusyMinutes(random, ticks, 1.0 / 12, 1.25, 0.2, 0.06);

    /// <summary>
    /// A level between 300 and 900 rps on a 4-hour wave with uniform noise of <paramref name="noise"/> (peak to peak);
    /// a share <paramref name="busyShare"/> of minutes is busy, <paramref name="rise"/> to rise + <paramref name="spread"/> × the level.
    /// </summary>
    private static double[] BusyMinutes(Random random, int ticks, double busyShare, double rise, double spread, double noise)
    {
        var level = 300 + (random.NextDouble() * 600);
        return [.. Enumerable.Range(0, ticks).Select(i =>
        {
            var wave = 1 + (0.3 * Math.Sin(2 * Math.PI * i / 240));
            var busy = random.NextDouble() < busyShare ? rise + (spread * random.NextDouble()) : 1;
            return level * wave * busy * (1 + (noise * (random.NextDouble() - 0.5)));
        })];
    }

    private static double[] Busy(Random random, int ticks) => BusyMinutes(random, ticks, 1.0 / 14, 1.12, 0.08, 0.04);

    internal static int ReversedNext(IReadOnlyList<(int Move, string Step, double Capacity, string Reason)> ticks) =>
        Enumerable.Range(0, ticks.Count - 1).Count(i => ticks[i].Move < 0 && ticks[i + 1].Move > 0);

    /// <summary>
    /// Runs the same demand (10 seeds, 720 ticks each, scored after the 120-tick warm-up: the margin needs its own history
    /// of one-tick rises, the outlook its calibration) under two parameter sets; sums each one's next-tick reversals,
    /// capacity and ticks the margin held.
    /// </summary>
    private static (int Reversed, double Capacity, int Held)[] Against(Func<Random, int, double[]> demandOf, params Dictionary<string, double>[] sets)
    {
        var totals = new (int Reversed, double Capacity, int Held)[sets.Length];
        for (var seed = 0; seed < 10; seed++)
        {
            var demand = demandOf(new Random(seed), 720);
            for (var k = 0; k < sets.Length; k++)
            {
                var ticks = Ticks(sets[k], demand, seed).Skip(120).ToList();
                totals[k].Reversed += ReversedNext(ticks);
                totals[k].Capacity += ticks.Sum(t => t.Capacity);
                totals[k].Held += ticks.Count(t => t.Reason.Contains("scale-in held: removing an instance would leave less than the demand bound's usual one-tick rise", StringComparison.Ordinal));
            }
        }

        return totals;
    }

    [Fact]
    public void SpikyDemand_ScaleInMarginCutsNextTickReversals()
    {
        // The swap dwell is off in both runs: it also removes some of these reversals, and this test measures the margin alone.
        var totals = Against(Spiky,
            new Dictionary<string, double> { ["scale_in_window"] = 0, ["swap_dwell"] = 0 },
            new Dictionary<string, double> { ["scale_in_window"] = 0, ["scale_in_margin"] = 0, ["swap_dwell"] = 0 });
        var (with, without) = (totals[0], totals[1]);

        Assert.True(without.Reversed >= 20, $"without the margin, busy minutes reverse scale-ins the next tick ({without.Reversed})");
        Assert.True(with.Reversed * 2 <= without.Reversed, $"the default margin at least halves next-tick reversals ({with.Reversed} vs {without.Reversed})");
        Assert.True(with.Capacity <= without.Capacity * 1.1, $"for at most 10 % more capacity ({with.Capacity / without.Capacity:0.###}x)");
        Assert.True(with.Held > 0, "a tick the margin holds says so in its reason");
    }

    /// <summary>
    /// The default margin covers the bound's one-tick rise at its 95th percentile, not the 90th: on nasa-jul95 the rises
    /// between were single busy minutes that reversed 9 of 22 scale-ins the next tick. On the same spiky demand the
    /// default must reverse clearly fewer scale-ins than a 0.9 margin, for little more capacity. Here one minute in
    /// fourteen is busy, 12-20 % above the level: above the 90th percentile of the bound's rises, below the 95th.
    /// </summary>
    [Fact]
    public void SpikyDemand_DefaultMarginReversesFewerThanTheNinetiethPercentile()
    {
        var totals = Against(Busy,
            new Dictionary<string, double> { ["scale_in_window"] = 0, ["swap_dwell"] = 0 },
            new Dictionary<string, double> { ["scale_in_window"] = 0, ["swap_dwell"] = 0, ["scale_in_margin"] = 0.9 });
        var (byDefault, ninety) = (totals[0], totals[1]);

        Assert.True(ninety.Reversed >= 5, $"at 0.9 busy minutes still reverse scale-ins ({ninety.Reversed})");
        Assert.True(byDefault.Reversed * 2 <= ninety.Reversed, $"the default margin reverses at most half as many ({byDefault.Reversed} vs {ninety.Reversed} at 0.9)");
        Assert.True(byDefault.Capacity <= ninety.Capacity * 1.05, $"for at most 5 % more capacity ({byDefault.Capacity / ninety.Capacity:0.###}x)");
    }

    /// <summary>
    /// Small instances serve a steady 1,000 rps after the warm-up; then demand halves, at each of the five phases of the
    /// periodic (5-minute) search for a cheaper mix in turn. Wherever that search falls, scale-in must not remove small
    /// instances one tick for a swap to raise capacity the next: the search also runs on the tick scale-in acts.
    /// </summary>
    [Fact]
    public void DemandDrop_NoScaleInThatASwapReversesTheNextTick()
    {
        var reversed = new List<string>();
        var swaps = 0;
        for (var drop = 150; drop < 160; drop++)
        {
            var at = drop;
            var demand = Enumerable.Range(0, 200).Select(i => (i < at ? 1000.0 : 420.0) * (1 + (0.02 * Math.Sin(i)))).ToArray();
            var ticks = Ticks(new Dictionary<string, double> { ["scale_in_margin"] = 0 }, demand, 0);
            swaps += ticks.Skip(drop).Count(t => t.Step == ConsolidationStep.StepName);
            reversed.AddRange(Enumerable.Range(drop, ticks.Count - drop - 1)
                .Where(i => ticks[i].Move < 0 && ticks[i + 1].Move > 0 && ticks[i + 1].Step == ConsolidationStep.StepName)
                .Select(i => $"drop at {at}: scale-in at {i}"));
        }

        Assert.True(swaps > 0, "after the drop a cheaper mix is found");
        Assert.True(reversed.Count == 0, string.Join(", ", reversed));
    }

    /// <summary>
    /// Demand steps down over a few minutes from a level large instances served to one small instances serve better:
    /// the floor scale-in keeps (recent observed peak) falls tick by tick, so the mix one scale-in leaves is not the
    /// cheapest for the next tick's floor. Without the swap dwell the search for a cheaper mix then launches small
    /// instances the minute after a scale-in removed some (a next-tick reversal); with it, the swap waits.
    /// </summary>
    [Fact]
    public void FallingFloor_NoSwapTheMinuteAfterAScaleIn()
    {
        var held = 0;
        int Reversed(double dwellSeconds)
        {
            var reversed = 0;
            for (var seed = 0; seed < 8; seed++)
            {
                var random = new Random(seed);
                var high = 1500 + (500 * random.NextDouble());
                var low = 350 + (200 * random.NextDouble());
                var steps = random.Next(4, 9);
                var at = 150 + seed;
                var demand = Enumerable.Range(0, 240).Select(i =>
                    (i < at ? high : i < at + steps ? high - ((high - low) * (i - at + 1) / steps) : low) * (1 + (0.02 * Math.Sin(i)))).ToArray();
                var ticks = Ticks(new Dictionary<string, double> { ["scale_in_margin"] = 0, ["swap_dwell"] = dwellSeconds }, demand, seed, stabilization: TimeSpan.FromMinutes(3));
                reversed += Enumerable.Range(at, ticks.Count - at - 1)
                    .Count(i => ticks[i].Move < 0 && ticks[i + 1].Move > 0 && ticks[i + 1].Step == ConsolidationStep.StepName);
                held += dwellSeconds > 0 ? ticks.Count(t => t.Reason.Contains("cheaper-mix search held: a scale-in", StringComparison.Ordinal)) : 0;
            }

            return reversed;
        }

        var off = Reversed(0);
        var on = Reversed(CostOptimizerOptions.DefaultSwapDwellMinutes * 60);
        Assert.True(off > 0, "without the swap dwell, a swap follows a scale-in the next minute");
        Assert.Equal(0, on);
        Assert.True(held > 0, "a hold during the dwell says the cheaper-mix search was held and why");
    }

    [Fact]
    public void BindingHardBudget_TheMarginHoldsNothing()
    {
        for (var seed = 0; seed < 5; seed++)
        {
            var demand = Spiky(new Random(seed), 480);
            // Just above what covering the demand costs for the month: the spend rate plus 50 % does not fit, so the
            // margin is off (without the budget check four of five runs differ here).
            var budget = (decimal)(demand.Average() / 400 * 0.36 * 24 * 30 * 1.15);
            var on = Ticks(new Dictionary<string, double>(), demand, seed, budget);
            var off = Ticks(new Dictionary<string, double> { ["scale_in_margin"] = 0 }, demand, seed, budget);
            Assert.Equal(off.Select(t => t.Capacity), on.Select(t => t.Capacity));
        }
    }

    /// <summary>
    /// With <c>scale_in_margin_under_budget</c> the margin acts under the same binding budget: fewer next-tick
    /// reversals than without it (the guard still enforces the budget on every plan; PlannerPropertyTests check the spend).
    /// </summary>
    [Fact]
    public void BindingHardBudget_MarginUnderBudgetCutsReversalsWithinBudget()
    {
        int withMargin = 0, withoutMargin = 0;
        // budget_tight_scale_in off on both sides: it drops the scale-in band under a binding ceiling, a separate rule
        // that adds reversals to both runs (with it on, 22 with the margin vs 29 without: still fewer, by 24 %). And
        // budget_near_bind at 1: this budget, 1.15 x what covering the demand costs at the ceiling's price, is near its
        // allowance, and the bound rules it brings (no launch for small gaps) leave 4 reversals without the margin.
        for (var seed = 0; seed < 10; seed++)
        {
            var demand = Spiky(new Random(seed), 720);
            var budget = (decimal)(demand.Average() / 400 * 0.36 * 24 * 30 * 1.15);
            var on = Ticks(new Dictionary<string, double> { ["scale_in_margin_under_budget"] = 1, ["swap_dwell"] = 0, ["budget_tight_scale_in"] = 0, ["budget_near_bind"] = 1 }, demand, seed, budget).Skip(120).ToList();
            var off = Ticks(new Dictionary<string, double> { ["swap_dwell"] = 0, ["budget_tight_scale_in"] = 0, ["budget_near_bind"] = 1 }, demand, seed, budget).Skip(120).ToList();
            withMargin += ReversedNext(on);
            withoutMargin += ReversedNext(off);
        }

        Assert.True(withoutMargin >= 8, $"without the margin the busy minutes reverse scale-ins under the budget too ({withoutMargin})");
        // Fewer by at least a quarter (13 vs 19 here; twitter-aug21: 58 -> 31): rises beyond the margin remain.
        Assert.True(withMargin * 4 <= withoutMargin * 3, $"the margin under the budget cuts them by at least a quarter ({withMargin} vs {withoutMargin})");
    }

    /// <summary>
    /// A demand level with a three-tick dip every six to nine ticks: the recommendation dips with it (the outlook
    /// follows the last two ticks), then comes back before a relaunch could serve.
    /// </summary>
    private static double[] Oscillating(Random random, int ticks)
    {
        var level = 150 + (random.NextDouble() * 400);
        var period = random.Next(6, 10);
        return [.. Enumerable.Range(0, ticks).Select(i => (i % period < 3 ? level * 0.5 : level) * (1 + (0.05 * random.NextDouble())))];
    }

    private static int ReversedWithin(int[] moves, int ticks) =>
        Enumerable.Range(0, moves.Length).Count(i => moves[i] < 0 && moves.Skip(i + 1).Take(ticks).Any(m => m > 0));

    [Fact]
    public void OscillatingDemand_NoScaleInReversedWithinTheWindow()
    {
        const int Window = 10;
        var withWindow = 0;
        var withoutWindow = 0;
        for (var seed = 0; seed < 20; seed++)
        {
            var demand = Oscillating(new Random(seed), 300);
            // After the warm-up (the outlook calibrates on 30 ticks of its own history).
            var on = Moves(new Dictionary<string, double> { ["scale_in_window"] = Window * 60 }, demand, seed).Skip(60).ToArray();
            var off = Moves(new Dictionary<string, double> { ["scale_in_window"] = 0 }, demand, seed).Skip(60).ToArray();
            withWindow += ReversedWithin(on, Window);
            withoutWindow += ReversedWithin(off, Window);
        }

        Assert.True(withoutWindow > 20, $"the oscillation flaps without the window ({withoutWindow} scale-ins reversed within {Window} ticks)");
        Assert.Equal(0, withWindow);
    }

    [Fact]
    public void Launch_HoldsItsOfferingForTheBillingMinimum()
    {
        var parameters = new Dictionary<string, double> { ["scale_in_window"] = 0 };
        var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy
        {
            MinInstances = 1,
            MaxInstances = 100,
            MaxStepPerTick = 50,
            ScaleDownStabilization = TimeSpan.FromMinutes(1),
        }, 100_000, TimeSpan.FromMinutes(2)) with
        {
            Tick = TimeSpan.FromMinutes(1),
            BillingMinimum = TimeSpan.FromMinutes(15),
        };

        (int Violations, int ScaleIns) Run(bool hold)
        {
            var p = policy with { Strategy = new StrategyPolicy(CostOptimizerStrategy.StrategyName, new Dictionary<string, double>(parameters) { ["billing_minimum_hold"] = hold ? 1 : 0 }) };
            var harness = new PlannerHarness(p, Start, TimeSpan.FromDays(30), hardBudget: false);
            harness.Seed(Fleet.Of(("small", 6)));
            var launched = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            var violations = 0;
            var scaleIns = 0;
            // Steady, a surge that launches, then a drop well within the billing minimum of those launches.
            var demand = Enumerable.Repeat(450.0, 60).Concat(Enumerable.Repeat(700.0, 4)).Concat(Enumerable.Repeat(150.0, 60)).ToArray();
            harness.Run(new CostOptimizerStrategy().CreatePlanner(p), demand, (_, context, _, guarded) =>
            {
                foreach (var type in Catalog.Types.Select(t => t.Name))
                {
                    if (guarded.Target[type] < context.Current[type])
                    {
                        scaleIns++;
                        violations += launched.TryGetValue(type, out var at) && context.Now - at < p.BillingMinimum ? 1 : 0;
                    }
                    else if (guarded.Target[type] > context.Current[type])
                    {
                        launched[type] = context.Now;
                    }
                }
            });
            return (violations, scaleIns);
        }

        var off = Run(hold: false);
        var on = Run(hold: true);
        Assert.True(off.Violations > 0, "without the hold, the drop removes the launched offering's older instances at once");
        Assert.Equal(0, on.Violations);
        Assert.True(on.ScaleIns > 0, "with the hold, the fleet still scales in once the billing minimum has passed");
    }
}
