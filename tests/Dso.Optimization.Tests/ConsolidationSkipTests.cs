using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Optimization.Strategies.CostOptimizer.Steps;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>
/// The search for a cheaper mix skips its solve when no answer could be a swap worth making
/// (<see cref="ConsolidationStep.SwapMayPay"/>, bounded by <see cref="CoverCost"/>). The skip must never hide a swap
/// the solver would have found: decisions stay exactly those of solving every time.
/// </summary>
public sealed class ConsolidationSkipTests
{
    private const double MinSaving = CostOptimizerOptions.DefaultConsolidationMinSaving;

    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The shipped nasa-jul95 catalog.</summary>
    private static readonly InstanceCatalog Nasa = new(
    [
        new InstanceType("c7g.large", 2, 4, 0.0725m, 110),
        new InstanceType("c7g.xlarge", 4, 8, 0.1450m, 225),
        new InstanceType("c7g.2xlarge", 8, 16, 0.2900m, 455),
        new InstanceType("m7g.large", 2, 8, 0.0816m, 112),
        new InstanceType("c6i.large", 2, 4, 0.0850m, 100),
        new InstanceType("c6i.xlarge", 4, 8, 0.1700m, 205),
    ]);

    [Fact]
    public void CoverCost_MatchesBruteForce_OnRandomCatalogs()
    {
        var random = new Random(12);
        for (var i = 0; i < 300; i++)
        {
            var types = RandomProblems.Catalog(random, random.Next(1, 4)).Types;
            var demand = random.NextDouble() * 900;
            var maxPrice = random.Next(0, 3) == 0 ? random.NextDouble() * 0.6 : double.PositiveInfinity;
            var penalty = random.NextDouble() * 0.01;
            var brute = double.PositiveInfinity;
            foreach (var counts in Counts(types.Count, 14))
            {
                var price = counts.Select((n, t) => n * (double)types[t].PricePerHour).Sum();
                var capacity = counts.Select((n, t) => n * types[t].CapacityRps).Sum();
                if (price <= maxPrice)
                {
                    brute = Math.Min(brute, price + (penalty * Math.Max(0, demand - capacity)));
                }
            }

            var bound = CoverCost.Min(types, demand, maxPrice, 1, penalty);
            Assert.NotNull(bound);
            Assert.True(Math.Abs(bound.Value - brute) < 1e-9 || (double.IsPositiveInfinity(brute) && double.IsPositiveInfinity(bound.Value)), $"case {i}: branch and bound {bound} != brute force {brute}");
        }
    }

    [Fact]
    public void SwapMayPay_WhenFalse_TheSolverNeverFindsAPayingSwap()
    {
        var random = new Random(2026);
        var solver = new CpSatFleetSolver(timeLimitSeconds: 10);
        var skipped = 0;
        for (var i = 0; i < 600; i++)
        {
            var problem = Covered(random);
            var current = problem.Current.Select((n, t) => n * (double)problem.Types[t].PricePerHour).Sum();
            if (ConsolidationStep.SwapMayPay(problem, current, MinSaving))
            {
                continue;
            }

            skipped++;
            var solution = solver.Solve(problem);
            Assert.NotNull(solution);
            Assert.False(solution.Launches && current - solution.FinalHourlyUsd(problem) >= MinSaving * current,
                $"case {i}: skipped, yet the solver swaps to ${solution.FinalHourlyUsd(problem):0.####}/h from ${current:0.####}/h (add [{string.Join(",", solution.Add)}], remove now [{string.Join(",", solution.RemoveNow)}], remove later [{string.Join(",", solution.RemoveLater)}])");
        }

        Assert.True(skipped >= 50, $"only {skipped} programs were skipped: the test no longer exercises the bound");
    }

    [Fact]
    public void SwapMayPay_SwapThatLeavesATenthOfAnRpsShort_IsNotSkipped()
    {
        // nasa-jul95 on 8 July 1995, 01:22: 2 c7g.large + 1 c7g.xlarge ($0.29/h, 445 rps) for 337.1 rps. No fleet of
        // at least 337.1 rps is 5 % cheaper, but c7g.xlarge + m7g.large (337 rps, $0.2266/h) is, and the solver takes
        // it: leaving 0.1 rps short costs less than the saving. A bound counting covering fleets only would skip it.
        var problem = Program(Nasa, [2, 1, 0, 0, 0, 0], steady: 337.1);
        var current = 0.29;
        Assert.True(ConsolidationStep.SwapMayPay(problem, current, MinSaving));
        var solution = new CpSatFleetSolver().Solve(problem)!;
        Assert.True(solution.Launches && current - solution.FinalHourlyUsd(problem) >= MinSaving * current, "the solver should swap here");
    }

    [Fact]
    public void SwapMayPay_FleetAlreadyTheCheapestForItsDemand_IsSkipped()
    {
        // 4 c7g.large ($0.29/h, 440 rps) for 400 rps: the cheapest fleet of 400 rps costs as much (c7g.2xlarge, 455 rps).
        Assert.False(ConsolidationStep.SwapMayPay(Program(Nasa, [4, 0, 0, 0, 0, 0], steady: 400), 0.29, MinSaving));
    }

    [Fact]
    public void Planner_WithTheSkip_DecidesAsSolvingEveryTime_WithFewerSolves()
    {
        // Six hours of a wobbling day-shape on the nasa-jul95 catalog: scale-outs, scale-ins and swaps all happen.
        var random = new Random(7);
        var demand = Enumerable.Range(0, 360)
            .Select(i => Math.Max(20, 400 + (300 * Math.Sin(i * 2 * Math.PI / 180)) + (40 * (random.NextDouble() - 0.5))))
            .ToArray();
        var (skipping, skippingSolves) = Decisions(demand, skip: true);
        var (solving, solvingSolves) = Decisions(demand, skip: false);

        Assert.Equal(solving, skipping);
        Assert.Contains(solving, d => d.Step == ConsolidationStep.StepName);
        Assert.True(skippingSolves < solvingSolves, $"{skippingSolves} searches solved with the skip, {solvingSolves} without: the skip no longer skips");
    }

    /// <summary>Every tick's raw plan (step, target, reason) and the number of solves of the full program.</summary>
    private static (List<(string Step, Fleet Target, string Reason)> Plans, int FullSolves) Decisions(double[] demand, bool skip)
    {
        var policy = PlannerHarness.Policy(Nasa, new LimitsPolicy { MinInstances = 2, MaxInstances = 100, MaxStepPerTick = 50 }, 100_000, TimeSpan.FromMinutes(4)) with
        {
            Tick = TimeSpan.FromMinutes(1),
        };
        var harness = new PlannerHarness(policy, Start, TimeSpan.FromDays(30), hardBudget: true);
        harness.Seed(Fleet.Of(("c6i.large", 4)));
        var solver = new CountingSolver(new CpSatFleetSolver());
        var planner = new CostOptimizerPlanner(policy, CostOptimizerOptions.From(policy.Strategy) with { SkipIdleSwapSearch = skip }, solver);
        var plans = new List<(string, Fleet, string)>();
        harness.Run(planner, demand, (_, _, raw, _) => plans.Add((raw.Strategy, raw.Target, raw.Reason)));
        return (plans, solver.Full);
    }

    private static FleetProblem Program(InstanceCatalog catalog, int[] current, double steady)
    {
        var capacity = current.Select((n, t) => n * catalog.Types[t].CapacityRps).Sum();
        var priciest = catalog.Types.Max(t => (double)t.PricePerHour / t.CapacityRps);
        return new FleetProblem
        {
            Types = catalog.Types,
            Current = current,
            KeepCapacity = [capacity, capacity],
            LaunchFraction = [0, 1],
            RowDemand = [steady, steady],
            SteadyDemand = steady,
            MaxRemove = current,
            MinInstances = 2,
            MaxInstances = 400,
            HorizonHours = 1,
            LaunchOverheadHours = 4 / 60.0,
            OverlapHours = 4 / 60.0,
            ShortfallUsdPerRps = CostOptimizerOptions.DefaultShortfallPenalty * priciest,
        };
    }

    /// <summary>Random programs whose current fleet covers every row and the steady state (the only ones ever skipped).</summary>
    private static FleetProblem Covered(Random random)
    {
        var problem = RandomProblems.Problem(random, random.Next(1, 4), 4);
        var capacity = problem.Current.Select((n, t) => n * problem.Types[t].CapacityRps).Sum();
        var demand = problem.RowDemand.Select(_ => capacity * (0.4 + (0.6 * random.NextDouble()))).ToArray();
        return problem with
        {
            KeepCapacity = [.. problem.RowDemand.Select(_ => capacity)],
            RowDemand = demand,
            SteadyDemand = demand[^1],
            AllowAdd = true,
            AllowRemove = true,
            MaxRemove = problem.Current,
            MinInstances = Math.Min(problem.MinInstances, problem.Current.Sum()),
            MaxInstances = 100,
            MaxChanges = int.MaxValue,
            MaxHourlyUsd = null,
        };
    }

    private static IEnumerable<int[]> Counts(int types, int max)
    {
        var counts = new int[types];
        while (true)
        {
            yield return counts;
            var t = 0;
            while (t < types && ++counts[t] > max)
            {
                counts[t++] = 0;
            }

            if (t == types)
            {
                yield break;
            }
        }
    }

    /// <summary>Counts the solves of the full program (launches and removals both allowed): the search for a cheaper mix.</summary>
    private sealed class CountingSolver(IFleetSolver inner) : IFleetSolver
    {
        public int Full { get; private set; }

        public FleetSolution? Solve(FleetProblem problem)
        {
            Full += problem.AllowAdd && problem.AllowRemove ? 1 : 0;
            return inner.Solve(problem);
        }
    }
}
