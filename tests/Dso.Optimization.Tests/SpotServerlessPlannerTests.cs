using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Optimization.Strategies.CostOptimizer.Steps;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>The cost optimizer with spot offerings and a serverless offering: what it chooses and what the guard keeps.</summary>
public sealed class SpotServerlessPlannerTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly InstanceType Small = new("small", 2, 4, 0.10m, 100);
    private static readonly InstanceType SmallSpot = Small.Spot(0.03m, interruptionPerHour: 0.05);

    /// <summary>0.20 $/M requests, 0.5 GB for 120 ms: about 0.0043 $ per rps-hour, 8333 rps at most; cold start within a 1 s SLO.</summary>
    private static readonly ServerlessOffering Lambda = new("lambda", 0.20m, 0.0000166667m, 0.5, 120, 1000, 100);

    private static ServicePolicy Policy(InstanceCatalog catalog, SpotPolicy? spot = null, ServerlessOffering? serverless = null) =>
        PlannerHarness.Policy(catalog, new LimitsPolicy { MinInstances = 2, MaxInstances = 100, MaxStepPerTick = 50 }, 100_000, TimeSpan.FromMinutes(4)) with
        {
            Tick = TimeSpan.FromMinutes(1),
            Slo = new SloPolicy(1000),
            Spot = spot,
            Serverless = serverless,
        };

    /// <summary>
    /// Two instances serve 200 rps; one minute of 380 rps arrives in the last row launches made now can reach
    /// (a burst shorter than the 4-minute boot delay), then demand is back at 150.
    /// </summary>
    private static StepInputs BurstInputs(ServicePolicy policy)
    {
        var catalog = policy.Catalog;
        var rows = new double[] { 150, 150, 150, 150, 380 };
        var problem = new FleetProblem
        {
            Types = catalog.Types,
            Current = [2],
            KeepCapacity = [200, 200, 200, 200, 200],
            LaunchFraction = [0, 0, 0, 0, 1],
            RowDemand = rows,
            SteadyDemand = 150,
            MaxRemove = [2],
            MinInstances = 2,
            HorizonHours = 1,
            LaunchOverheadHours = 4 / 60.0,
            OverlapHours = 4 / 60.0,
            ShortfallUsdPerRps = CostOptimizerOptions.DefaultShortfallPenalty * Small.PricePerRps,
            Serverless = policy.Serverless is { } s
                ? new ServerlessTerms { RpsLimit = s.RpsLimit, UsdPerRpsHour = (double)s.UsdPerRpsHour, RowHours = 1 / 60.0 }
                : null,
        };
        var context = new PlanningContext
        {
            Now = Start,
            ObservedDemand = 150,
            Current = Fleet.Of(("small", 2)),
            Ready = Fleet.Of(("small", 2)),
            Budget = new BudgetWindow(Start, Start.AddDays(30), 100_000, 0, Hard: true),
        };
        return new StepInputs
        {
            Context = context,
            Policy = policy,
            Options = new CostOptimizerOptions(),
            Outlook = new OutlookResult(rows, new double[DemandOutlook.FeatureNames.Length], 0, false, 0.98, new double[DemandOutlook.FeatureNames.Length]),
            RecentMax = 150,
            Problem = problem,
            Solver = new CpSatFleetSolver(),
            Tick = TimeSpan.FromMinutes(1),
        };
    }

    [Fact]
    public void ForecastPreScale_BurstShorterThanBootDelay_IsServedByServerlessForLessThanInstances()
    {
        var catalog = new InstanceCatalog([Small]);
        var withInstances = new ForecastPreScaleStep().Decide(BurstInputs(Policy(catalog)))!;
        var withServerless = new ForecastPreScaleStep().Decide(BurstInputs(Policy(catalog, serverless: Lambda)))!;

        // Without serverless, covering the burst takes two launches paid for the horizon and the boot.
        Assert.Equal(2, withInstances.Solution!.Add[0]);
        Assert.True(withInstances.Solution.MaxShortfall < 1e-6);

        // With it, the gap goes to serverless for the one minute it lasts, and nothing is launched.
        var offload = withServerless.Solution!;
        Assert.Equal(0, offload.Add[0]);
        Assert.Equal(180, offload.RowOffload[4], 1);
        Assert.True(offload.MaxShortfall < 0.01, $"shortfall {offload.MaxShortfall}");
        var serverlessUsd = 180 * (double)Lambda.UsdPerRpsHour / 60;
        var instancesUsd = 2 * (double)Small.PricePerHour * (1 + (4 / 60.0));
        Assert.True(serverlessUsd < instancesUsd / 10);
        Assert.True(offload.ObjectiveUsd < withInstances.Solution.ObjectiveUsd - 0.1,
            $"serverless plan {offload.ObjectiveUsd:0.####} vs instances {withInstances.Solution.ObjectiveUsd:0.####}");
    }

    [Fact]
    public void ForecastPreScale_ServerlessDearerThanShortfall_IsNotUsed()
    {
        var pricey = Lambda with { PricePerMillionRequests = 1_000_000m };
        var decision = new ForecastPreScaleStep().Decide(BurstInputs(Policy(new InstanceCatalog([Small]), serverless: pricey)))!;
        Assert.All(decision.Solution!.RowOffload, o => Assert.Equal(0, o));
    }

    [Fact]
    public void Plan_SuddenBurst_RoutesTheGapToServerlessNow_WithinItsLimit()
    {
        var limited = Lambda with { ConcurrencyLimit = 30 }; // 250 rps at most
        var policy = Policy(new InstanceCatalog([Small]), serverless: limited);
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 3)));
        var planner = new CostOptimizerStrategy().CreatePlanner(policy);
        var demand = Enumerable.Repeat(150.0, 60).Concat(Enumerable.Repeat(900.0, 3)).Concat(Enumerable.Repeat(150.0, 20)).ToArray();
        var routed = new List<double>();
        harness.Run(planner, demand, (i, _, raw, guarded) =>
        {
            Assert.InRange(guarded.ServerlessRps, 0, limited.RpsLimit + 1e-9);
            Assert.Equal(raw.ServerlessRps, guarded.ServerlessRps);
            routed.Add(guarded.ServerlessRps);
            if (guarded.ServerlessRps > 0)
            {
                var chosen = Assert.Single(guarded.Alternatives, a => a.Name == "chosen");
                Assert.Contains("on lambda", chosen.Note);
                Assert.Contains("rps to lambda now", guarded.Reason);
            }
        });

        // Steady demand the fleet covers needs no serverless (the warm-up's first ticks may, while the first launches boot).
        Assert.All(routed.Skip(10).Take(50), r => Assert.Equal(0, r));
        Assert.True(routed[60] > 0, "the burst is routed to serverless while instances boot");
        Assert.Equal(limited.RpsLimit, routed[60], 6);
    }

    [Fact]
    public void Plan_SpotCheaper_UsesSpotUpToTheShare_AndKeepsTheOnDemandFloor()
    {
        var catalog = new InstanceCatalog([Small, SmallSpot]);
        var spot = new SpotPolicy { MaxShare = 0.6, OnDemandMin = 3 };
        var policy = Policy(catalog, spot: spot);
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("small", 2)));
        var planner = new CostOptimizerStrategy().CreatePlanner(policy);
        var demand = Enumerable.Repeat(1000.0, 90).Concat(Enumerable.Repeat(400.0, 60)).ToArray();
        ScalingPlan? last = null;
        var maxShare = 0.0;
        harness.Run(planner, demand, (i, _, _, guarded) =>
        {
            var target = guarded.Target;
            var share = catalog.SpotCapacity(target) / catalog.Capacity(target);
            Assert.True(share <= spot.MaxShare + 1e-9, $"tick {i}: spot share {share:0.###} in {target}");
            Assert.True(catalog.OnDemandCount(target) >= spot.OnDemandMin, $"tick {i}: on-demand floor broken in {target}");
            maxShare = Math.Max(maxShare, share);
            last = guarded;
        });

        Assert.True(maxShare >= 0.5, $"spot is cheaper per expected rps, so the share is used (max {maxShare:0.###})");
        Assert.True(last!.Target[SmallSpot.Name] > 0, $"spot still held at the end: {last.Target}");
    }

    [Fact]
    public void Enforce_PlanOverTheSpotShare_RunsSpotOnDemandInstead()
    {
        var catalog = new InstanceCatalog([Small, SmallSpot]);
        var policy = Policy(catalog, spot: new SpotPolicy { MaxShare = 0.5, OnDemandMin = 2 });
        var context = new PlanningContext
        {
            Now = Start,
            ObservedDemand = 500,
            Current = Fleet.Of(("small", 2)),
            Ready = Fleet.Of(("small", 2)),
            Budget = new BudgetWindow(Start, Start.AddDays(30), 100_000, 0, Hard: false),
        };
        var plan = new ScalingPlan(Fleet.Of((SmallSpot.Name, 6)), "test", "all spot", []);
        var guarded = PlanGuard.Enforce(plan, policy, context);
        Assert.Equal(Fleet.Of(("small", 3), (SmallSpot.Name, 3)), guarded.Target);
        Assert.Contains("spot share", guarded.Reason);
    }
}
