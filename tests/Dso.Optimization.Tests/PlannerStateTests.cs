using Dso.Abstractions.Catalog;
using Dso.Forecasting;
using Dso.Optimization.State;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>
/// The planner's learned state outlives the process: a planner restored from what another saved decides, tick for
/// tick, exactly as the one that kept running; a policy edited in between keeps what a reload would; a damaged state
/// is refused whole.
/// </summary>
public sealed class PlannerStateTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Two types of different shapes, so swaps and per-offering launch times are in play.</summary>
    private static readonly InstanceCatalog Catalog = new([new InstanceType("small", 2, 4, 0.02m, 10), new InstanceType("large", 8, 16, 0.07m, 40)]);

    /// <summary>
    /// Two days of one-minute ticks touching every part of the state: a daily cycle with noise, a burst every 30
    /// minutes (recurring bursts), a flash crowd, 90 minutes of zero traffic (a traffic gap and its recovery).
    /// </summary>
    private static double[] Demand()
    {
        var random = new Random(11);
        return [.. Enumerable.Range(0, 2 * 1440).Select(i =>
        {
            var daily = 150 + (100 * Math.Sin(2 * Math.PI * i / 1440.0));
            var noise = Math.Exp(0.12 * ((random.NextDouble() * 2) - 1));
            var burst = i % 30 is >= 0 and < 3 ? 2.5 : 1;
            var crowd = i is >= 1900 and < 1930 ? 3 : 1;
            return i is >= 1200 and < 1290 ? 0 : daily * noise * burst * crowd;
        })];
    }

    /// <summary>A forecast at 60 % of the level, so self-correction has misses against the rule to answer.</summary>
    private static DemandForecast LowForecast(int i)
    {
        var values = Enumerable.Repeat(90.0, 10).ToArray();
        return new DemandForecast(Start.AddMinutes(i + 1), TimeSpan.FromMinutes(1), values, values, values, (_, _) => 90, "systematically-low");
    }

    private static ServicePolicy Policy(decimal budget = Tight, TimeSpan? boot = null) =>
        PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 100, MaxStepPerTick = 20 }, budget, boot ?? TimeSpan.FromMinutes(4)) with
        {
            Tick = TimeSpan.FromMinutes(1),
        };

    internal static string Describe(ScalingPlan plan) =>
        $"{plan with { Alternatives = [] }}\n{string.Join("\n", plan.Alternatives)}";

    /// <summary>A budget the fleet's spend runs into (pacing, the ceiling), and one with room (self-correction raises).</summary>
    private const int Tight = 60;
    private const int Roomy = 100_000;

    [Theory]
    [InlineData(700, Tight)]
    [InlineData(1250, Tight)]
    [InlineData(1910, Tight)]
    [InlineData(700, Roomy)]
    [InlineData(1250, Roomy)]
    [InlineData(1910, Roomy)]
    public void A_restored_planner_decides_exactly_as_the_one_that_kept_running(int restartAt, int budget)
    {
        var policy = Policy(budget);
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 20)));
        var strategy = new CostOptimizerStrategy();
        var running = (CostOptimizerPlanner)strategy.CreatePlanner(policy);
        var demand = Demand();
        CostOptimizerPlanner? restored = null;
        string? summary = null;
        var compared = 0;
        var twin = new Twin(running, (i, context, plan) =>
        {
            if (restored is not null)
            {
                Assert.Equal(Describe(plan), Describe(restored.Plan(context)));
                compared++;
            }
        }, before: i =>
        {
            if (i == restartAt)
            {
                // Restarted before this tick: the state saved after the previous one.
                restored = (CostOptimizerPlanner)strategy.CreatePlanner(policy);
                summary = restored.RestoreState(running.SaveState(), carry: null);
            }
        });
        harness.Run(twin, demand, (_, _, _, _) => { }, forecast: LowForecast);

        Assert.Equal(demand.Length - restartAt, compared);
        Assert.StartsWith("restored demand record", summary);
        Assert.Contains("budget pacing", summary);
        Assert.DoesNotContain("left out", summary);
        Assert.Equal(running.CorrectionLevel, restored!.CorrectionLevel);
        Assert.Equal(running.ReactiveTally.Describe(), restored.ReactiveTally.Describe());
    }

    [Theory]
    [InlineData(Tight, "the hard budget binds")]
    [InlineData(Roomy, "self-correction: coverage raised")]
    public void The_runs_the_restore_is_checked_on_use_what_the_state_holds(int budget, string seen)
    {
        // The exactness test means something only if its runs reach the parts of the state it checks.
        var policy = Policy(budget);
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 20)));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        var reasons = new List<string>();
        harness.Run(planner, Demand(), (_, _, raw, _) => reasons.Add(raw.Reason), forecast: LowForecast, to: 1910);

        Assert.True(planner.Calibrated);
        Assert.Contains(reasons, r => r.Contains(seen, StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("recurring burst", StringComparison.Ordinal));
        // The bursts' hourly occupancy profile as well as their clock (it is saved beside it).
        Assert.Contains(reasons, r => r.Contains("of every 60-tick period", StringComparison.Ordinal));
    }

    [Fact]
    public void A_fresh_planner_without_the_state_decides_otherwise()
    {
        // The counterpart of the exactness test: what the state carries changes decisions.
        var policy = Policy();
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 20)));
        var running = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        CostOptimizerPlanner? fresh = null;
        var differ = 0;
        harness.Run(new Twin(running, (i, context, plan) =>
        {
            fresh ??= i == 1250 ? (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy) : null;
            if (fresh is not null && Describe(fresh.Plan(context)) != Describe(plan))
            {
                differ++;
            }
        }), Demand(), (_, _, _, _) => { }, forecast: LowForecast);

        Assert.True(differ > 100, $"{differ} plans differed");
    }

    [Fact]
    public void A_budget_edited_while_the_service_was_down_keeps_what_a_reload_keeps()
    {
        var (state, level) = Learned(Policy(Roomy));
        var edited = Policy(budget: 2 * Roomy);
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(edited);

        var summary = planner.RestoreState(state, new PlannerCarryOver { Demand = true, Offerings = new HashSet<string> { "small", "large" }, Counterfactual = true });

        Assert.StartsWith("restored demand record", summary);
        Assert.Contains("launch times of 2 unchanged offering(s)", summary);
        Assert.Contains("self-correction level", summary);
        // Budget pacing is rebuilt for the new budget, as a reload rebuilds it.
        Assert.DoesNotContain("budget pacing", summary);
        Assert.Equal(level, planner.CorrectionLevel);
        Assert.True(planner.Calibrated);
    }

    [Fact]
    public void A_boot_delay_edited_while_the_service_was_down_leaves_the_demand_record_and_counterfactual_out()
    {
        var (state, level) = Learned(Policy(Roomy));
        Assert.NotEqual(0, level);
        var edited = Policy(Roomy, boot: TimeSpan.FromMinutes(9));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(edited);

        var summary = planner.RestoreState(state, new PlannerCarryOver { Demand = true, Offerings = new HashSet<string> { "small", "large" }, Counterfactual = false });

        Assert.Contains("left out: the demand record (learned under another tick, boot delay, set of outlook features or strategy parameters)", summary);
        Assert.StartsWith("restored launch times", summary);
        Assert.Equal(0, planner.CorrectionLevel);
        Assert.False(planner.Calibrated);
        Assert.Equal(0, planner.ObservedTicks);
    }

    [Fact]
    public void A_damaged_state_is_refused_whole()
    {
        var (state, _) = Learned(Policy());
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(Policy());

        var flipped = (byte[])state.Clone();
        flipped[state.Length / 2] ^= 0x40;
        Assert.Contains("checksum", Assert.Throws<PlannerStateException>(() => planner.RestoreState(flipped, null)).Message);
        Assert.Contains("checksum", Assert.Throws<PlannerStateException>(() => planner.RestoreState(state[..^100], null)).Message);
        Assert.Contains("not a saved planner state", Assert.Throws<PlannerStateException>(() => planner.RestoreState("{\"level\": 2}"u8.ToArray(), null)).Message);
        // Nothing of it was taken: the planner is as fresh as before.
        Assert.Equal(0, planner.ObservedTicks);
        Assert.Equal(0, planner.CorrectionLevel);
    }

    [Fact]
    public void A_state_of_another_format_version_is_refused()
    {
        var (state, _) = Learned(Policy());
        var other = (byte[])state.Clone();
        BitConverter.TryWriteBytes(other.AsSpan(7), PlannerState.Version + 1);
        System.Security.Cryptography.SHA256.HashData(other.AsSpan(0, other.Length - 32), other.AsSpan(other.Length - 32));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(Policy());

        Assert.Contains($"format version {PlannerState.Version + 1}", Assert.Throws<PlannerStateException>(() => planner.RestoreState(other, null)).Message);
    }

    /// <summary>A planner's state after the first 1,950 ticks (a traffic gap and a flash crowd seen).</summary>
    private static (byte[] State, int Level) Learned(ServicePolicy policy)
    {
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 20)));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        harness.Run(planner, Demand(), (_, _, _, _) => { }, forecast: LowForecast, to: 1950);
        return (planner.SaveState(), planner.CorrectionLevel);
    }

    /// <summary>Plans with one planner and shows each tick's context and plan to a check (which may plan with another).</summary>
    internal sealed class Twin(IScalingPlanner planner, Action<int, PlanningContext, ScalingPlan> check, Action<int>? before = null) : IScalingPlanner
    {
        private int _tick;

        public ScalingPlan Plan(PlanningContext context)
        {
            before?.Invoke(_tick);
            var plan = planner.Plan(context);
            check(_tick++, context, plan);
            return plan;
        }
    }
}
