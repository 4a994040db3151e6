using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
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
    private static int[] Moves(IReadOnlyDictionary<string, double> parameters, double[] demand, int seed)
    {
        // Observed-demand stabilization of one tick, so only the new window can hold a dip in the recommendation.
        var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy
        {
            MinInstances = 1,
            MaxInstances = 100,
            MaxStepPerTick = 50,
            ScaleDownStabilization = TimeSpan.FromMinutes(1),
        }, 100_000, TimeSpan.FromMinutes(3), parameters) with
        {
            Tick = TimeSpan.FromMinutes(1),
        };
        var harness = new PlannerHarness(policy, Start.AddDays(seed), TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 3)));
        var moves = new int[demand.Length];
        harness.Run(new CostOptimizerStrategy().CreatePlanner(policy), demand, (i, context, _, guarded) =>
        {
            var delta = Catalog.Capacity(guarded.Target) - Catalog.Capacity(context.Current);
            moves[i] = delta > 1e-9 ? 1 : delta < -1e-9 ? -1 : 0;
        });
        return moves;
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
