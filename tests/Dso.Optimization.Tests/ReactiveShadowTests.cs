using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>The reactive rule's counterfactual: what it would have billed and left unserved so far.</summary>
public sealed class ReactiveShadowTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Next_StepUp_UnservedUntilLaunchesBoot_BilledFromLaunch()
    {
        var catalog = new InstanceCatalog([new InstanceType("small", 2, 4, 0.60m, 100)]);
        var policy = PlannerHarness.Policy(catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 100 }, 100_000, TimeSpan.FromMinutes(4));
        var shadow = new ReactiveShadow(policy);
        // 70 rps: one instance at 70% utilization. Then 700 rps: ten instances, serving four minutes after launch.
        var demand = new[] { 70.0, 70, 700, 700, 700, 700, 700, 700, 700 };
        for (var i = 0; i < demand.Length; i++)
        {
            shadow.Next(Start + TimeSpan.FromMinutes(i), demand[i]);
        }

        // Each minute is accounted at the tick that ends it. The minutes ending at ticks 2..5 ran on one ready instance
        // (100 rps) against 700 rps: the nine launched at tick 2 serve from tick 6.
        Assert.Equal(600 * 60 * 4, shadow.Tally.Unserved, 6);
        Assert.Equal((70 * 60) + (700 * 60 * 7), shadow.Tally.Demand, 6);
        // Billed: one instance for the first two minutes, ten for the next six (from launch, booting or not).
        Assert.Equal((0.60m * 2 / 60) + (0.60m * 10 * 6 / 60), shadow.Tally.SpentUsd);
    }

    [Fact]
    public void Next_FirstTick_TakesOverTheFleetRunning_NotOneThatAlreadyFits()
    {
        var catalog = new InstanceCatalog([new InstanceType("small", 2, 4, 0.60m, 100), new InstanceType("large", 8, 16, 3.00m, 400)]);
        var policy = PlannerHarness.Policy(catalog, new LimitsPolicy { MinInstances = 1, MaxInstances = 100 }, 100_000, TimeSpan.FromMinutes(4));
        var shadow = new ReactiveShadow(policy);
        // The service starts on one ready large (400 rps, four smalls' worth) and one large booting, against 700 rps
        // from the first tick: the rule wants ten smalls and launches the four it lacks now; all serve from tick 4.
        for (var i = 0; i < 8; i++)
        {
            shadow.Next(Start + TimeSpan.FromMinutes(i), 700, readyCapacity: 400, billedCapacity: 800);
        }

        // Minutes ending at ticks 1..3 ran on four ready smalls (400 rps) against 700: 300 rps short; at tick 4 the
        // launches of tick 0 serve. (Given a fleet that fits, as before, the rule would have missed nothing.)
        Assert.Equal(300 * 60 * 3, shadow.Tally.Unserved, 6);
        // Billed: ten instances from the first tick (four ready, four booting taken over, two launched).
        Assert.Equal(0.60m * 10 * 7 / 60, shadow.Tally.SpentUsd);
    }

    [Fact]
    public void Plan_ReactiveAlternative_StatesTheCounterfactualBesideTheOptimizersOwn()
    {
        var catalog = new InstanceCatalog([new InstanceType("small", 2, 4, 0.10m, 100), new InstanceType("large", 8, 16, 0.36m, 400)]);
        var policy = PlannerHarness.Policy(catalog, new LimitsPolicy { MinInstances = 2, MaxInstances = 100, MaxStepPerTick = 50 }, 100_000, TimeSpan.FromMinutes(4)) with
        {
            Tick = TimeSpan.FromMinutes(1),
        };
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 2)));
        // Steady, then a step the reactive rule meets only after its boot delay.
        var demand = Enumerable.Repeat(150.0, 60).Concat(Enumerable.Repeat(900.0, 30)).ToArray();
        ScalingPlan? last = null;
        harness.Run(new CostOptimizerStrategy().CreatePlanner(policy), demand, (_, _, raw, _) => last = raw);
        var note = last!.Alternatives.Single(a => a.Name == "reactive").Note;
        var match = System.Text.RegularExpressions.Regex.Match(note,
            @"so far it would have cost \$(?<rc>[0-9.]+), (?<ru>[0-9.]+)% unserved \(this policy: \$(?<oc>[0-9.]+), (?<ou>[0-9.]+)% unserved\)");
        Assert.True(match.Success, note);
        Assert.True(double.Parse(match.Groups["ru"].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, $"the step costs the reactive rule requests: {note}");
        Assert.True(decimal.Parse(match.Groups["oc"].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, note);
    }
}
