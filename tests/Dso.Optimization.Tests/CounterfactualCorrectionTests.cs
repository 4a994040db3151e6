using Dso.Abstractions.Catalog;
using Dso.Forecasting;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>
/// Self-correction against the reactive counterfactual: where the policy misses more demand than target tracking
/// would, coverage rises within a bounded number of ticks and the misses fall to the rule's or below; where the
/// policy already leads, nothing changes.
/// </summary>
public sealed class CounterfactualCorrectionTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly InstanceCatalog Catalog = new([new InstanceType("small", 2, 4, 0.02m, 10)]);
    private const int Days = 3;
    private const int TicksPerDay = 1440;

    /// <summary>Level 200 rps with lognormal noise (σ = 0.15) and a forecast that always says 60 % of the level.</summary>
    private static double[] NoisyDemand(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Days * TicksPerDay).Select(_ =>
        {
            var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return 200 * Math.Exp((0.15 * z) - (0.15 * 0.15 / 2));
        })];
    }

    private static DemandForecast LowForecast(int i, double level)
    {
        var steps = 10;
        var values = Enumerable.Repeat(level, steps).ToArray();
        return new DemandForecast(Start.AddMinutes(i + 1), TimeSpan.FromMinutes(1), values, values, values, (_, _) => level, "systematically-low");
    }

    private static (CostOptimizerPlanner Planner, List<string> Reasons, int FirstRaise, double OwnLastDay, double RuleLastDay, decimal OwnSpent, decimal RuleSpent)
        Run(double[] demand, bool? selfCorrection, Func<int, DemandForecast?> forecast, bool shadow = false)
    {
        // null: the policy's default (self-correction is on by default).
        // Without the scale-in margin: it serves some of the misses these tests provoke for self-correction to find
        // (the first raise came at 4.5 h instead of under 4 h, and the fixed-coverage run missed half as much).
        var parameters = selfCorrection is { } on
            ? new Dictionary<string, double> { ["self_correction"] = on ? 1 : 0, ["scale_in_margin"] = 0 }
            : new Dictionary<string, double> { ["scale_in_margin"] = 0 };
        var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 200, MaxStepPerTick = 100 }, 100_000, TimeSpan.FromMinutes(4),
            parameters) with { Tick = TimeSpan.FromMinutes(1) };
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 30)));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        var reasons = new List<string>();
        var firstRaise = -1;
        double ownAtDayStart = 0, ruleAtDayStart = 0;
        harness.Run(planner, demand, (i, _, raw, _) =>
        {
            if (raw.Reason.Contains("self-correction", StringComparison.Ordinal))
            {
                reasons.Add(raw.Reason);
            }

            if (firstRaise < 0 && planner.CorrectionLevel > 0)
            {
                firstRaise = i;
            }

            if (i == demand.Length - TicksPerDay)
            {
                (ownAtDayStart, ruleAtDayStart) = (planner.OwnTally.Unserved, planner.ReactiveTally.Unserved);
            }
        }, forecast: forecast, shadow: shadow);
        return (planner, reasons, firstRaise, planner.OwnTally.Unserved - ownAtDayStart, planner.ReactiveTally.Unserved - ruleAtDayStart,
            planner.OwnTally.SpentUsd, planner.ReactiveTally.SpentUsd);
    }

    [Fact]
    public void Coverage_rises_when_a_low_forecast_leaves_more_unserved_than_the_reactive_rule()
    {
        var demand = NoisyDemand(7);
        DemandForecast Low(int i) => LowForecast(i, 120);

        var fixedCoverage = Run(demand, selfCorrection: false, Low);
        var corrected = Run(demand, selfCorrection: null, Low);

        // The scenario is one where the configured policy loses to the rule on unserved requests...
        Assert.True(fixedCoverage.OwnLastDay > fixedCoverage.RuleLastDay * 1.5,
            $"without self-correction: {fixedCoverage.OwnLastDay:0} unserved requests on the last day vs the rule's {fixedCoverage.RuleLastDay:0}");
        // ...the default policy raises coverage within a bounded number of ticks (4 h: warm-up and the first fits, then
        // one window of 1 h and one raise spacing)...
        Assert.InRange(corrected.FirstRaise, 0, 4 * 60);
        Assert.Contains(corrected.Reasons, r => r.Contains("self-correction: coverage raised", StringComparison.Ordinal) && r.Contains("the reactive rule", StringComparison.Ordinal));
        Assert.True(corrected.Planner.CorrectionLevel > 0);
        // ...and the last day's unserved requests fall to the rule's or below, still for less than the rule spends.
        Assert.True(corrected.OwnLastDay <= corrected.RuleLastDay + (0.0002 * 200 * 86400), string.Join("\n", corrected.Reasons) + $" fixed {fixedCoverage.OwnLastDay:0}\n" +
            $"with self-correction: {corrected.OwnLastDay:0} unserved requests on the last day vs the rule's {corrected.RuleLastDay:0}");
        Assert.True(corrected.OwnLastDay < fixedCoverage.OwnLastDay / 2);
        Assert.True(corrected.OwnSpent < corrected.RuleSpent, $"spent {corrected.OwnSpent:0.00} vs the rule's {corrected.RuleSpent:0.00}");
    }

    [Fact]
    public void In_an_experiments_shadow_the_level_does_not_move_on_another_variants_misses()
    {
        // The same misses that raise coverage within 4 h above, but every tick planned in the shadow of an experiment:
        // the fleet and its misses are another variant's, so this variant's level stays where its own blocks left it.
        var demand = NoisyDemand(7);
        var shadowed = Run(demand, selfCorrection: null, i => LowForecast(i, 120), shadow: true);

        Assert.True(shadowed.OwnLastDay > shadowed.RuleLastDay * 1.5, $"{shadowed.OwnLastDay:0} vs the rule's {shadowed.RuleLastDay:0}");
        Assert.Equal(0, shadowed.Planner.CorrectionLevel);
        Assert.Empty(shadowed.Reasons);
        // Nor do those misses count later, when this variant is in force again: only its own ticks are judged.
        Assert.Equal(0, shadowed.Planner.JudgedTally.Demand);
        Assert.True(shadowed.Planner.OwnTally.Demand > 0);
    }

    [Fact]
    public void Nothing_changes_where_the_policy_already_leads()
    {
        // A smooth daily wave the policy's own calibration covers: it serves everything for less than the rule.
        var demand = Enumerable.Range(0, Days * TicksPerDay).Select(i => 200 + (80 * Math.Sin(2 * Math.PI * i / TicksPerDay))).ToArray();

        var corrected = Run(demand, selfCorrection: null, _ => null);
        var fixedCoverage = Run(demand, selfCorrection: false, _ => null);

        Assert.Empty(corrected.Reasons);
        Assert.Equal(0, corrected.Planner.CorrectionLevel);
        Assert.True(corrected.OwnSpent < corrected.RuleSpent);
        Assert.Equal(fixedCoverage.OwnSpent, corrected.OwnSpent);
        Assert.Equal(fixedCoverage.OwnLastDay, corrected.OwnLastDay);
    }

    /// <summary>
    /// Feeds one tick a minute for <paramref name="minutes"/>: demand 100 rps, this policy short by <paramref name="ownGap"/>
    /// rps and the rule by <paramref name="ruleGap"/>, at $0.90/h and $1/h (a saving to spend); returns every reason the correction gave.
    /// </summary>
    private static List<string> Feed(CounterfactualCorrection correction, RunningTally own, RunningTally rule, ref DateTimeOffset at, int minutes,
        double ownGap, double ruleGap, bool room, bool binds, decimal ownPrice = 0.9m)
    {
        var reasons = new List<string>();
        for (var i = 0; i < minutes; i++, at = at.AddMinutes(1))
        {
            own.Add(at, ownPrice, 100 - ownGap, 100);
            rule.Add(at, 1m, 100 - ruleGap, 100);
            if (correction.Update(at, own, rule, room, binds) is { } why)
            {
                reasons.Add(why);
            }
        }

        return reasons;
    }

    [Fact]
    public void Coverage_bought_while_the_budget_had_room_is_given_back_once_it_binds()
    {
        var correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1));
        var (own, rule, at) = (new RunningTally(), new RunningTally(), Start);

        // Missing 2 rps where the rule misses none, with budget room: raised.
        var raised = Feed(correction, own, rule, ref at, 90, ownGap: 2, ruleGap: 0, room: true, binds: false);
        Assert.Contains(raised, r => r.Contains("raised to level +1", StringComparison.Ordinal));
        var level = correction.Level;
        Assert.True(level > 0);

        // Still missing, but now the budget binds: no further raise, and the level goes back down to 0, saying why.
        var lowered = Feed(correction, own, rule, ref at, 120, ownGap: 2, ruleGap: 0, room: false, binds: true);
        Assert.DoesNotContain(lowered, r => r.Contains("raised", StringComparison.Ordinal));
        Assert.Contains(lowered, r => r.Contains("lowered", StringComparison.Ordinal) && r.Contains("the budget binds", StringComparison.Ordinal));
        Assert.Equal(0, correction.Level);
    }

    [Fact]
    public void Missing_about_as_much_as_the_rule_raises_nothing()
    {
        var correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1));
        var (own, rule, at) = (new RunningTally(), new RunningTally(), Start);

        // 1.2x the rule's misses (an outage's recovery, where both miss alike) is within the issue's 1.25x: no raise.
        Assert.Empty(Feed(correction, own, rule, ref at, 240, ownGap: 12, ruleGap: 10, room: true, binds: false));
        Assert.Equal(0, correction.Level);

        // 1.5x is not.
        Assert.Contains(Feed(correction, own, rule, ref at, 120, ownGap: 15, ruleGap: 10, room: true, binds: false),
            r => r.Contains("raised to level +1", StringComparison.Ordinal));
    }
    [Fact]
    public void Coverage_is_bought_only_out_of_the_saving_against_the_rule()
    {
        var correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1));
        var (own, rule, at) = (new RunningTally(), new RunningTally(), Start);

        // Missing more than the rule while paying what it pays: no saving to spend, no raise.
        Assert.Empty(Feed(correction, own, rule, ref at, 120, ownGap: 2, ruleGap: 0, room: true, binds: false, ownPrice: 1m));
        Assert.Equal(0, correction.Level);

        // Cheaper by 10 %: raised once the lead is clear of the margin...
        Assert.Contains(Feed(correction, own, rule, ref at, 240, ownGap: 2, ruleGap: 0, room: true, binds: false, ownPrice: 0.9m),
            r => r.Contains("raised to level +1", StringComparison.Ordinal));
        Assert.True(correction.Level > 0);

        // ...and given back, saying so, once the raised coverage has spent the saving.
        var spent = Feed(correction, own, rule, ref at, 240, ownGap: 2, ruleGap: 0, room: true, binds: false, ownPrice: 1.5m);
        Assert.Contains(spent, r => r.Contains("lowered", StringComparison.Ordinal) && r.Contains("saving against the reactive rule is spent", StringComparison.Ordinal));
        Assert.Equal(0, correction.Level);
    }

    [Fact]
    public void A_raise_follows_the_rules_capacity_for_one_window_and_a_lowering_ends_it()
    {
        var correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1));
        var (own, rule, at) = (new RunningTally(), new RunningTally(), Start);
        Assert.False(correction.Following(at));

        var raised = Feed(correction, own, rule, ref at, 90, ownGap: 2, ruleGap: 0, room: true, binds: false);
        Assert.Contains(raised, r => r.Contains("raised to level +1", StringComparison.Ordinal));
        Assert.True(correction.Following(at));
        Assert.InRange(correction.FollowUntil, at, at + correction.Window);

        // The budget starts to bind: the level is given back and the rule's capacity is no longer followed.
        Feed(correction, own, rule, ref at, 30, ownGap: 2, ruleGap: 0, room: false, binds: true);
        Assert.False(correction.Following(at));
    }

    [Fact]
    public void While_following_the_planner_holds_at_least_the_rules_capacity()
    {
        // A low forecast makes the policy lose to the rule; after the first raise, every decision within the window
        // holds at least the capacity target tracking holds (the "reactive" alternative of the same decision).
        var demand = NoisyDemand(7);
        var parameters = new Dictionary<string, double> { ["scale_in_margin"] = 0 };
        var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 200, MaxStepPerTick = 100 }, 100_000, TimeSpan.FromMinutes(4),
            parameters) with { Tick = TimeSpan.FromMinutes(1) };
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 30)));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        int following = 0, below = 0;
        var first = "";
        harness.Run(planner, demand, (i, context, raw, _) =>
        {
            if (planner.Following(context.Now))
            {
                following++;
                var rule = raw.Alternatives.Single(a => a.Name == "reactive");
                if (Catalog.Capacity(raw.Target) < rule.CapacityRps - 1e-9)
                {
                    below++;
                }

                if (first.Length == 0)
                {
                    first = raw.Reason;
                }
            }
        }, forecast: i => LowForecast(i, 120));

        Assert.True(following > 0, "self-correction never raised");
        Assert.True(below == 0, $"{below} of {following} decisions while following held less than the rule's capacity");
        Assert.Contains("the reactive rule's capacity: self-correction follows the rule", first, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flash_crowds_first_minutes_raise_where_the_rule_missed_nothing()
    {
        var correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1));
        var (own, rule, at) = (new RunningTally(), new RunningTally(), Start);

        // An hour served in full by both, then the first minute of a ramp inside the boot delay: 1 % of 100 rps short
        // (under 0.02 % of the hour's requests, the tie when lowering), the rule short of nothing.
        Assert.Empty(Feed(correction, own, rule, ref at, 60, ownGap: 0, ruleGap: 0, room: true, binds: false));
        Assert.Empty(Feed(correction, own, rule, ref at, 8, ownGap: 0, ruleGap: 0, room: true, binds: false));
        var reasons = Feed(correction, own, rule, ref at, 1, ownGap: 1, ruleGap: 0, room: true, binds: false);
        reasons.AddRange(Feed(correction, own, rule, ref at, 2, ownGap: 0, ruleGap: 0, room: true, binds: false));
        Assert.Contains(reasons, r => r.Contains("raised to level +1", StringComparison.Ordinal));
        Assert.True(correction.Following(at));
    }

    [Fact]
    public void A_miss_of_a_few_requests_in_an_hour_raises_nothing()
    {
        var correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1));
        var (own, rule, at) = (new RunningTally(), new RunningTally(), Start);

        // 0.05 rps short for one minute: under 0.002 % of the hour's requests is a tie, not a lost episode.
        Assert.Empty(Feed(correction, own, rule, ref at, 60, ownGap: 0, ruleGap: 0, room: true, binds: false));
        var reasons = Feed(correction, own, rule, ref at, 1, ownGap: 0.05, ruleGap: 0, room: true, binds: false);
        reasons.AddRange(Feed(correction, own, rule, ref at, 30, ownGap: 0, ruleGap: 0, room: true, binds: false));
        Assert.Empty(reasons);
        Assert.Equal(0, correction.Level);
    }

    [Fact]
    public void Dearer_than_the_rule_while_serving_more_lowers_coverage_step_by_step_and_gives_it_back()
    {
        var correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1));
        var (own, rule, at) = (new RunningTally(), new RunningTally(), Start);

        // 20 % dearer than the rule while leaving a tenth of its unserved requests: after a day's track record, one
        // level down, then one more every two windows, to the cost side's floor, each saying why.
        var lowered = Feed(correction, own, rule, ref at, 24 * 60 + 30, ownGap: 0.1, ruleGap: 1, room: true, binds: false, ownPrice: 1.2m);
        Assert.Single(lowered);
        Assert.Contains("lowered to level -1", lowered[0], StringComparison.Ordinal);
        Assert.Contains("dearer than the rule while serving more", lowered[0], StringComparison.Ordinal);
        lowered = Feed(correction, own, rule, ref at, 2 * 60, ownGap: 0.1, ruleGap: 1, room: true, binds: false, ownPrice: 1.2m);
        Assert.Contains(lowered, r => r.Contains("lowered to level -2", StringComparison.Ordinal));
        Feed(correction, own, rule, ref at, 8 * 60, ownGap: 0.1, ruleGap: 1, room: true, binds: false, ownPrice: 1.2m);
        Assert.Equal(CounterfactualCorrection.CostMinLevel, correction.Level);
        Assert.False(correction.Following(at));

        // Misses grow to more than the rule's, within 1.25x of it per window (no "losing" raise): once the total nears
        // the rule's, a level is given back, without following the rule.
        var given = Feed(correction, own, rule, ref at, 40 * 60, ownGap: 6, ruleGap: 5, room: true, binds: false, ownPrice: 1.2m);
        Assert.Contains(given, r => r.Contains("raised", StringComparison.Ordinal) && r.Contains("gave back most of the lead on service", StringComparison.Ordinal));
        Assert.True(correction.Level > CounterfactualCorrection.CostMinLevel);
        Assert.False(correction.Following(at));
    }

    [Fact]
    public void Cheaper_than_the_rule_or_not_ahead_on_service_the_cost_side_does_nothing()
    {
        // Cheaper (the usual case): nothing to lower for.
        var correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1));
        var (own, rule, at) = (new RunningTally(), new RunningTally(), Start);
        Assert.Empty(Feed(correction, own, rule, ref at, 24 * 60, ownGap: 0.5, ruleGap: 5, room: true, binds: false, ownPrice: 0.95m));

        // Dearer but missing about as much as the rule (0.9x, within 1.25x: no raise either): no lead on service to spend.
        correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1));
        (own, rule, at) = (new RunningTally(), new RunningTally(), Start);
        Assert.Empty(Feed(correction, own, rule, ref at, 24 * 60 + 30, ownGap: 4.5, ruleGap: 5, room: true, binds: false, ownPrice: 1.2m));
        Assert.Equal(0, correction.Level);
    }

    [Fact]
    public void Dearer_than_the_rule_with_a_moderate_lead_on_service_the_cost_side_steps()
    {
        // A bursty stream's policy: 5 % dearer than the rule while leaving 0.8x its unserved requests (twitter-late.six.b15
        // in the suite held about that for days). That lead is what a lower coverage may spend: the cost side steps.
        var correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1));
        var (own, rule, at) = (new RunningTally(), new RunningTally(), Start);
        var lowered = Feed(correction, own, rule, ref at, 24 * 60 + 30, ownGap: 4, ruleGap: 5, room: true, binds: false, ownPrice: 1.05m);
        Assert.Contains(lowered, r => r.Contains("lowered to level -1", StringComparison.Ordinal) && r.Contains("dearer than the rule while serving more", StringComparison.Ordinal));
        Assert.Equal(-1, correction.Level);
    }

    [Fact]
    public void A_raised_level_is_kept_through_quiet_hours_while_behind_the_rule_overall()
    {
        var correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1));
        var (own, rule, at) = (new RunningTally(), new RunningTally(), Start);

        // A flash crowd the rule met and this policy did not: the level goes up.
        Feed(correction, own, rule, ref at, 60, ownGap: 0, ruleGap: 0, room: true, binds: false);
        Assert.NotEmpty(Feed(correction, own, rule, ref at, 20, ownGap: 5, ruleGap: 0, room: true, binds: false));
        Feed(correction, own, rule, ref at, 60, ownGap: 0, ruleGap: 0, room: true, binds: false);
        var raised = correction.Level;
        Assert.True(raised > 0);

        // A day of quiet, both serving everything, this policy still cheaper: the span since the raise is "safely
        // ahead", but over everything judged it is still behind the rule, so the level stays (said once, with why).
        var quiet = Feed(correction, own, rule, ref at, 24 * 60, ownGap: 0, ruleGap: 0, room: true, binds: false);
        Assert.Equal(raised, correction.Level);
        var kept = Assert.Single(quiet);
        Assert.Contains($"coverage kept at level +{raised}", kept, StringComparison.Ordinal);
        Assert.Contains("the reactive rule 0% for", kept, StringComparison.Ordinal);

        // Once the rule's own misses put this policy ahead overall, the level is given back as before.
        var ahead = Feed(correction, own, rule, ref at, 13 * 60, ownGap: 0, ruleGap: 10, room: true, binds: false);
        Assert.Contains(ahead, r => r.Contains("lowered", StringComparison.Ordinal) && r.Contains("(safely ahead)", StringComparison.Ordinal));
        Assert.True(correction.Level < raised);
    }

    [Fact]
    public void A_raised_level_is_not_kept_when_the_budget_is_ahead_of_its_pace()
    {
        var correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1));
        var (own, rule, at) = (new RunningTally(), new RunningTally(), Start);
        Feed(correction, own, rule, ref at, 60, ownGap: 0, ruleGap: 0, room: true, binds: false);
        Feed(correction, own, rule, ref at, 20, ownGap: 5, ruleGap: 0, room: true, binds: false);
        Feed(correction, own, rule, ref at, 60, ownGap: 0, ruleGap: 0, room: true, binds: false);
        var raised = correction.Level;
        Assert.True(raised > 0);

        // Behind the rule overall, but the hard budget's spend runs ahead of its pace: headroom kept through the
        // quiet hours would be taken from a later peak by the pacer, so the level goes back as before.
        var quiet = new List<string>();
        for (var i = 0; i < 24 * 60; i++, at = at.AddMinutes(1))
        {
            own.Add(at, 0.9m, 100, 100);
            rule.Add(at, 1m, 100, 100);
            if (correction.Update(at, own, rule, budgetRoom: true, budgetBinds: false, keepRoom: false) is { } why)
            {
                quiet.Add(why);
            }
        }

        Assert.Contains(quiet, r => r.Contains("lowered", StringComparison.Ordinal) && r.Contains("(safely ahead)", StringComparison.Ordinal));
        Assert.DoesNotContain(quiet, r => r.Contains("coverage kept", StringComparison.Ordinal));
        Assert.True(correction.Level < raised);
    }

    [Fact]
    public void A_kept_level_is_still_given_back_when_the_saving_is_spent()
    {
        var correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1));
        var (own, rule, at) = (new RunningTally(), new RunningTally(), Start);
        Feed(correction, own, rule, ref at, 60, ownGap: 0, ruleGap: 0, room: true, binds: false);
        Feed(correction, own, rule, ref at, 20, ownGap: 5, ruleGap: 0, room: true, binds: false);
        Feed(correction, own, rule, ref at, 13 * 60, ownGap: 0, ruleGap: 0, room: true, binds: false);
        Assert.True(correction.Level > 0);

        // Still behind overall, but now dearer than the rule: the saving that paid for the level is gone.
        var spent = Feed(correction, own, rule, ref at, 24 * 60, ownGap: 0, ruleGap: 0, room: true, binds: false, ownPrice: 1.5m);
        Assert.Contains(spent, r => r.Contains("saving against the reactive rule is spent", StringComparison.Ordinal));
        Assert.DoesNotContain(spent, r => r.Contains("coverage kept", StringComparison.Ordinal));
        Assert.True(correction.Level <= 0, $"level {correction.Level}");
    }
    [Fact]
    public void Insurance_buys_a_level_out_of_a_large_saving_where_the_policy_ties_the_rule_on_service()
    {
        // Both leave the same few requests unserved (a tie, not a lead) and this policy runs at 0.8x the rule's cost:
        // with insurance below 0.9x, one level up after the first day (not before), without following the rule, and
        // kept through the quiet that follows.
        var correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1)) { Insurance = 0.9 };
        var (own, rule, at) = (new RunningTally(), new RunningTally(), Start);
        Assert.Empty(Feed(correction, own, rule, ref at, 23 * 60, ownGap: 0.01, ruleGap: 0.01, room: true, binds: false, ownPrice: 0.8m));
        var bought = Feed(correction, own, rule, ref at, 2 * 60, ownGap: 0.01, ruleGap: 0.01, room: true, binds: false, ownPrice: 0.8m);
        var raise = Assert.Single(bought);
        Assert.Contains("raised to level +1", raise, StringComparison.Ordinal);
        Assert.Contains("0.80x the reactive rule's", raise, StringComparison.Ordinal);
        Assert.Equal(1, correction.Level);
        Assert.False(correction.Following(at));

        // Two days with no misses at the raised level (now 0.86x the rule, inside the keep band): the span since the
        // raise is "safely ahead", yet the level is kept, said once.
        var quiet = Feed(correction, own, rule, ref at, 48 * 60, ownGap: 0, ruleGap: 0, room: true, binds: false, ownPrice: 0.86m);
        Assert.Equal(1, correction.Level);
        Assert.Contains("coverage kept at level +1", Assert.Single(quiet), StringComparison.Ordinal);

        // The saving shrinks past the band (spend so far nears the rule's): the level goes back as "safely ahead".
        var spent = Feed(correction, own, rule, ref at, 72 * 60, ownGap: 0, ruleGap: 0, room: true, binds: false, ownPrice: 1.1m);
        Assert.Contains(spent, r => r.Contains("lowered to level 0", StringComparison.Ordinal));
        Assert.True(correction.Level <= 0, $"level {correction.Level}");
    }

    [Fact]
    public void Insurance_needs_the_saving_a_budget_with_room_and_no_lead_on_service()
    {
        // Off, at 0.95x the rule (not below 0.9x), with no budget room, leading on service (fewer misses than the
        // rule, or none at all): nothing moves.
        foreach (var (insurance, price, room, ownGap, ruleGap) in new[]
        {
            (0.0, 0.8m, true, 0.01, 0.01), (0.9, 0.95m, true, 0.01, 0.01), (0.9, 0.8m, false, 0.01, 0.01),
            (0.9, 0.8m, true, 0.005, 0.01), (0.9, 0.8m, true, 0.0, 0.0),
        })
        {
            var correction = new CounterfactualCorrection(TimeSpan.FromMinutes(1)) { Insurance = insurance };
            var (own, rule, at) = (new RunningTally(), new RunningTally(), Start);
            Assert.Empty(Feed(correction, own, rule, ref at, 48 * 60, ownGap, ruleGap, room: room, binds: false, ownPrice: price));
            Assert.Equal(0, correction.Level);
        }

        // Spend ahead of a hard budget's pace (keepRoom false): no insurance either.
        var paced = new CounterfactualCorrection(TimeSpan.FromMinutes(1)) { Insurance = 0.9 };
        var (o, r, t) = (new RunningTally(), new RunningTally(), Start);
        for (var i = 0; i < 48 * 60; i++, t = t.AddMinutes(1))
        {
            o.Add(t, 0.8m, 99.99, 100);
            r.Add(t, 1m, 99.99, 100);
            Assert.Null(paced.Update(t, o, r, budgetRoom: true, budgetBinds: false, keepRoom: false));
        }
    }

    [Fact]
    public void A_level_is_kept_only_while_a_hard_budgets_spend_is_behind_its_pace()
    {
        var end = Start.AddDays(10);
        // Half the period gone: 40 % of the budget spent keeps (0.8 of the pace), 41 % does not; a soft budget always keeps.
        Assert.Equal(0.8, CounterfactualCorrection.KeepPaceShare);
        Assert.True(CostOptimizerPlanner.BehindPace(new BudgetWindow(Start, end, 100m, 40m, Hard: true), Start.AddDays(5)));
        Assert.False(CostOptimizerPlanner.BehindPace(new BudgetWindow(Start, end, 100m, 41m, Hard: true), Start.AddDays(5)));
        Assert.True(CostOptimizerPlanner.BehindPace(new BudgetWindow(Start, end, 100m, 90m, Hard: false), Start.AddDays(5)));
    }
    [Fact]
    public void Rare_crowds_the_rule_meets_keep_the_planners_level_raised_between_them()
    {
        // 200 rps with a little noise, and every 14 h a 30-minute crowd at 270 rps inside the 4-minute boot: the rule's
        // 70 % target holds 286 rps and meets it, the policy's envelope does not. Each crowd raises the level; the quiet
        // 13.5 h after it used to give the level back before the next crowd.
        var random = new Random(11);
        var demand = Enumerable.Range(0, Days * TicksPerDay).Select(i =>
        {
            var crowd = i % (14 * 60) is >= (10 * 60) and < (10 * 60) + 30;
            return (crowd ? 270 : 200) * (1 + (0.02 * ((2 * random.NextDouble()) - 1)));
        }).ToArray();
        var policy = PlannerHarness.Policy(Catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 200, MaxStepPerTick = 100 }, 100_000, TimeSpan.FromMinutes(4),
            new Dictionary<string, double> { ["scale_in_margin"] = 0 }) with { Tick = TimeSpan.FromMinutes(1) };
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 30)));
        var planner = (CostOptimizerPlanner)new CostOptimizerStrategy().CreatePlanner(policy);
        var reasons = new List<string>();
        var levelsBeforeCrowds = new List<int>();
        harness.Run(planner, demand, (i, _, raw, _) =>
        {
            if (raw.Reason.Contains("self-correction: coverage", StringComparison.Ordinal))
            {
                reasons.Add(raw.Reason);
            }

            if (i % (14 * 60) == (10 * 60) - 1)
            {
                levelsBeforeCrowds.Add(planner.CorrectionLevel);
            }
        });

        // The first crowd meets level 0 and raises it; the next ones meet a raised level, kept (and said so) through the
        // quiet, until the coverage has spent the saving against the rule and is given back.
        Assert.True(levelsBeforeCrowds.Count >= 4, $"{levelsBeforeCrowds.Count} crowds");
        Assert.Equal(0, levelsBeforeCrowds[0]);
        Assert.Contains(reasons, r => r.Contains("coverage raised", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("coverage kept", StringComparison.Ordinal) && r.Contains("over all", StringComparison.Ordinal));
        Assert.All(levelsBeforeCrowds.Skip(1).Take(2), l => Assert.True(l > 0, $"levels before each crowd: {string.Join(", ", levelsBeforeCrowds)}"));
        Assert.Contains(reasons, r => r.Contains("saving against the reactive rule is spent", StringComparison.Ordinal));
        Assert.True(planner.OwnTally.SpentUsd < planner.ReactiveTally.SpentUsd, $"spent {planner.OwnTally.SpentUsd:0.00} vs the rule's {planner.ReactiveTally.SpentUsd:0.00}");
    }
}
