using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>
/// The fleet program with spot offerings and a serverless offload, over many seeded random programs: CP-SAT
/// against brute force on the same constraints, and the spot share, on-demand floor and serverless limit.
/// </summary>
public sealed class SpotServerlessSolverPropertyTests
{
    private const int Cases = 300;
    private const int MaxLaunch = 3;

    private static FleetProblem Random(Random random, bool spot, bool serverless, int maxCurrent)
    {
        var problem = RandomProblems.Problem(random, random.Next(1, 3), maxCurrent);
        if (spot)
        {
            problem = RandomProblems.WithSpot(random, problem, maxCurrent);
        }

        return serverless ? RandomProblems.WithServerless(random, problem) : problem;
    }

    [Theory]
    [InlineData(true, false, 20260701)]
    [InlineData(false, true, 20260702)]
    [InlineData(true, true, 20260703)]
    public void CpSat_IsNeverDearerThanExhaustive_WithSpotAndServerless(bool spot, bool serverless, int seed)
    {
        var random = new Random(seed);
        var cpSat = new CpSatFleetSolver(timeLimitSeconds: 10);
        var offloaded = 0;
        var spotUsed = 0;
        for (var i = 0; i < Cases; i++)
        {
            var problem = Random(random, spot, serverless, 2);
            problem = problem with
            {
                MaxInstances = Math.Min(problem.MaxInstances, problem.Current.Sum() + MaxLaunch),
                MaxChanges = Math.Min(problem.MaxChanges, MaxLaunch),
            };
            var brute = new ExhaustiveFleetSolver(MaxLaunch).Solve(problem);
            var solved = cpSat.Solve(problem);
            Assert.True((brute is null) == (solved is null), $"case {i}: feasibility differs (brute {brute?.ObjectiveUsd}, cp-sat {solved?.ObjectiveUsd})");
            if (brute is null || solved is null)
            {
                continue;
            }

            // Centi-rps capacities, micro- (nano- with serverless) dollars, integral offload: that rounding, nothing more.
            var tolerance = 1e-4 + problem.ShortfallUsdPerRps * 0.02 * (problem.Rows + 1) + 1e-6 * Math.Abs(brute.ObjectiveUsd);
            Assert.True(solved.ObjectiveUsd <= brute.ObjectiveUsd + tolerance, $"case {i}: cp-sat ({solved.Solver}) {solved.ObjectiveUsd} > brute force {brute.ObjectiveUsd}");
            offloaded += solved.RowOffload.Any(o => o > 0) ? 1 : 0;
            spotUsed += problem.Spot is { } terms && solved.TargetNow(problem).Where((n, t) => terms.IsSpot[t] && n > 0).Any() ? 1 : 0;
        }

        // The generators must exercise what is tested.
        Assert.True(!serverless || offloaded > Cases / 10, $"only {offloaded} programs offloaded");
        Assert.True(!spot || spotUsed > Cases / 10, $"only {spotUsed} programs held spot");
    }

    [Fact]
    public void Solutions_KeepSpotShare_OnDemandFloor_AndServerlessLimit()
    {
        var random = new Random(4242);
        var cpSat = new CpSatFleetSolver(timeLimitSeconds: 10);
        var checkedCases = 0;
        for (var i = 0; i < Cases; i++)
        {
            var p = Random(random, spot: true, serverless: true, maxCurrent: 4);
            var s = cpSat.Solve(p);
            if (s is null)
            {
                continue;
            }

            checkedCases++;
            var spot = p.Spot!;
            foreach (var (counts, when) in new[] { (s.TargetNow(p), "now"), (s.Final(p), "final") })
            {
                var spotCapacity = counts.Select((n, t) => spot.IsSpot[t] ? n * p.Types[t].CapacityRps : 0).Sum();
                var total = counts.Select((n, t) => n * p.Types[t].CapacityRps).Sum();
                var onDemand = counts.Where((_, t) => !spot.IsSpot[t]).Sum();
                Assert.True(spotCapacity <= spot.MaxShare * total + 1e-6, $"case {i} ({when}): spot {spotCapacity} rps > {spot.MaxShare} x {total}");
                Assert.True(onDemand >= spot.OnDemandMin, $"case {i} ({when}): {onDemand} on-demand < floor {spot.OnDemandMin}");
            }

            var serverless = p.Serverless!;
            for (var k = 0; k < p.Rows; k++)
            {
                Assert.True(s.RowOffload[k] <= serverless.RpsLimit + 1e-9, $"case {i} row {k}: offload {s.RowOffload[k]} > limit {serverless.RpsLimit}");
                Assert.True(s.RowOffload[k] <= serverless.MaxRps(p.RowDemand[k]) + 1e-9, $"case {i} row {k}: offload {s.RowOffload[k]} over the cold-start share");
                Assert.True(s.RowOffload[k] >= 0);
            }

            Assert.True(s.SteadyOffload <= serverless.MaxRps(p.SteadyDemand) + 1e-9, $"case {i}: steady offload {s.SteadyOffload}");
        }

        Assert.True(checkedCases > Cases / 2, $"only {checkedCases} feasible programs");
    }

    [Fact]
    public void Evaluate_SpotShareBroken_IsInfeasible()
    {
        var random = new Random(1);
        var p = RandomProblems.WithSpot(random, RandomProblems.Problem(random, 1, 0), 0) with { MinInstances = 0, MaxInstances = 100, MaxChanges = int.MaxValue, MaxHourlyUsd = null, AllowAdd = true };
        p = p with { Spot = p.Spot! with { MaxShare = 0.5, OnDemandMin = 0 } };
        Assert.NotNull(FleetEvaluator.Evaluate(p, [1, 1], [0, 0], [0, 0], "test"));
        Assert.Null(FleetEvaluator.Evaluate(p, [1, 2], [0, 0], [0, 0], "test"));
        Assert.Null(FleetEvaluator.Evaluate(p with { Spot = p.Spot with { OnDemandMin = 2 } }, [1, 1], [0, 0], [0, 0], "test"));
    }
}
