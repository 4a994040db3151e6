using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>
/// <c>surge_on_return</c>: in the recovery after an outage, demand at several times the bound the outlook set for the
/// tick starts a surge even when no detector flags it (the return of traffic after hours of trickle is no anomaly to a
/// detector that learned the trickle), so the emergency step sizes the fleet for the demand observed instead of the
/// recent mean. Outside a recovery the same jump is left to the envelope (a burst chased this way costs more).
/// </summary>
public sealed class SurgeOnReturnTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly InstanceCatalog Catalog = new([new InstanceType("small", 2, 4, 0.02m, 50)]);
    private const int Day = 1440;

    /// <summary>
    /// A day of about 100 rps, then (when <paramref name="outage"/>) two hours of zeros and two of a 20 rps trickle,
    /// else the same four hours at 100 rps; then 900 rps. Returns the capacity the raw plan asks for on the tick the
    /// 900 rps is first seen, and that tick's reason.
    /// </summary>
    private static (double Capacity, string Reason) AtJump(bool surgeOnReturn, bool outage)
    {
        var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 2, MaxInstances = 200, MaxStepPerTick = 100 }, 100_000m, TimeSpan.FromMinutes(4),
            new Dictionary<string, double> { ["surge_on_return"] = surgeOnReturn ? 1 : 0 }) with { Tick = TimeSpan.FromMinutes(1) };
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 3)));
        var random = new Random(7);
        const int Jump = Day + 240;
        var demand = Enumerable.Range(0, Jump + 5).Select(i =>
            i >= Jump ? 900
            : outage && i >= Day && i < Day + 120 ? 0
            : outage && i >= Day + 120 ? 20 * (1 + (0.05 * random.NextDouble()))
            : 100 * (1 + (0.05 * random.NextDouble()))).ToArray();
        var result = (0.0, "");
        harness.Run(new CostOptimizerStrategy().CreatePlanner(policy), demand, (i, _, raw, _) =>
        {
            if (i == Jump)
            {
                result = (Catalog.Capacity(raw.Target), raw.Reason);
            }
        });
        return result;
    }

    [Fact]
    public void After_an_outage_a_jump_far_above_the_bound_is_met_at_once_without_a_detectors_flag()
    {
        var (capacity, reason) = AtJump(surgeOnReturn: true, outage: true);
        Assert.True(capacity >= 900, $"with surge_on_return the fleet is sized for the 900 rps seen at once: {capacity} rps ({reason})");
        Assert.Contains("surge on traffic back after an outage", reason, StringComparison.Ordinal);
        var (without, why) = AtJump(surgeOnReturn: false, outage: true);
        Assert.True(without < 900, $"without it the bound follows the recent mean: {without} rps ({why})");
    }

    [Fact]
    public void Outside_a_recovery_the_same_jump_is_left_to_the_envelope()
    {
        // Without an outage the rule does not act: the plan is the same with it or without (here the envelope's own
        // features already answer the jump).
        var (on, reason) = AtJump(surgeOnReturn: true, outage: false);
        var (off, _) = AtJump(surgeOnReturn: false, outage: false);
        Assert.Equal(off, on);
        Assert.DoesNotContain("surge", reason, StringComparison.OrdinalIgnoreCase);
    }
}
