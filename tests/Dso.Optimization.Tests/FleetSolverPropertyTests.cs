using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>CP-SAT's answer against brute force on small catalogs, over many seeded random programs.</summary>
public sealed class FleetSolverPropertyTests
{
    private const int Cases = 400;
    private const int MaxLaunch = 3;

    [Fact]
    public void CpSat_MatchesExhaustiveOptimum_OnRandomSmallPrograms()
    {
        var random = new Random(20260601);
        // A generous time limit: the comparison is about optimality, not about how busy the test machine is.
        var cpSat = new CpSatFleetSolver(timeLimitSeconds: 10);
        for (var i = 0; i < Cases; i++)
        {
            // Launch bounds equal to the brute force's, so both search the same space.
            var problem = RandomProblems.Problem(random, random.Next(1, 4), 2) with { MaxInstances = 0 };
            problem = problem with { MaxInstances = problem.Current.Sum() + MaxLaunch };
            problem = problem with { MaxChanges = Math.Min(problem.MaxChanges, MaxLaunch) };
            var brute = new ExhaustiveFleetSolver(MaxLaunch).Solve(problem);
            var solved = cpSat.Solve(problem);
            Assert.True((brute is null) == (solved is null), $"case {i}: feasibility differs (brute {brute?.ObjectiveUsd}, cp-sat {solved?.ObjectiveUsd} add [{string.Join(",", solved?.Add ?? [])}] rn [{string.Join(",", solved?.RemoveNow ?? [])}] rl [{string.Join(",", solved?.RemoveLater ?? [])}] cur [{string.Join(",", problem.Current)}] cap {problem.MaxHourlyUsd} min {problem.MinInstances} max {problem.MaxInstances} ch {problem.MaxChanges} maxrm [{string.Join(",", problem.MaxRemove)}] add {problem.AllowAdd} rm {problem.AllowRemove})");
            if (brute is null || solved is null)
            {
                continue;
            }

            // CP-SAT works on centi-rps and micro-dollars: allow that rounding, nothing more.
            var tolerance = 1e-4 + problem.ShortfallUsdPerRps * 0.02 * (problem.Rows + 1) + 1e-6 * Math.Abs(brute.ObjectiveUsd);
            Assert.True(solved.ObjectiveUsd <= brute.ObjectiveUsd + tolerance, $"case {i}: cp-sat ({solved.Solver}) {solved.ObjectiveUsd} > brute force {brute.ObjectiveUsd}");
        }
    }

    [Fact]
    public void Solutions_RespectHardConstraints()
    {
        var random = new Random(7);
        var cpSat = new CpSatFleetSolver(timeLimitSeconds: 10);
        for (var i = 0; i < Cases; i++)
        {
            var p = RandomProblems.Problem(random, random.Next(1, 5), 4);
            var s = cpSat.Solve(p);
            if (s is null)
            {
                continue;
            }

            var now = s.TargetNow(p);
            var final = s.Final(p);
            Assert.InRange(now.Sum(), p.MinInstances, p.MaxInstances);
            Assert.True(final.Sum() >= p.MinInstances, $"case {i}: final below min");
            Assert.True(s.Add.Sum() + s.RemoveNow.Sum() <= p.MaxChanges, $"case {i}: step limit");
            Assert.All(final, n => Assert.True(n >= 0));
            if (p.MaxHourlyUsd is { } cap)
            {
                Assert.True(now.Select((n, t) => n * p.Types[t].PricePerHour).Sum() <= cap, $"case {i}: hourly cap");
            }

            Assert.True(p.AllowAdd || s.Add.All(a => a == 0));
            Assert.True(p.AllowRemove || !s.Removes);
        }
    }

    /// <summary>With no fleet to start from and no other limit, the plan is the cheapest fleet covering the demand.</summary>
    [Fact]
    public void ChosenFleet_IsNeverDearerThanCheapestCover()
    {
        var random = new Random(99);
        var cpSat = new CpSatFleetSolver(timeLimitSeconds: 10);
        for (var i = 0; i < Cases; i++)
        {
            var catalog = RandomProblems.Catalog(random, random.Next(1, 5));
            var demand = random.NextDouble() * 2000;
            var minimum = random.Next(0, 3);
            var problem = new FleetProblem
            {
                Types = catalog.Types,
                Current = new int[catalog.Types.Count],
                KeepCapacity = [0],
                LaunchFraction = [1],
                RowDemand = [demand],
                SteadyDemand = demand,
                MaxRemove = new int[catalog.Types.Count],
                MinInstances = minimum,
                ShortfallUsdPerRps = 10,
            };
            var s = cpSat.Solve(problem)!;
            var chosen = s.Final(problem).Select((n, t) => n * catalog.Types[t].PricePerHour).Sum();
            Assert.True(s.MaxShortfall < 0.01, $"case {i}: shortfall {s.MaxShortfall}");
            Assert.True(chosen <= CheapestCover(catalog.Types, demand, minimum) + 0.000001m, $"case {i}: {chosen} dearer than the cheapest cover");
        }
    }

    private static decimal CheapestCover(IReadOnlyList<Dso.Abstractions.Catalog.InstanceType> types, double demand, int minimum)
    {
        var best = decimal.MaxValue;
        void Rec(int t, double need, int count, decimal cost)
        {
            if (cost >= best)
            {
                return;
            }

            if (t == types.Count)
            {
                if (need <= 1e-9 && count >= minimum)
                {
                    best = cost;
                }

                return;
            }

            var max = (int)Math.Ceiling(Math.Max(need, 0) / types[t].CapacityRps) + minimum;
            for (var n = 0; n <= max; n++)
            {
                Rec(t + 1, need - n * types[t].CapacityRps, count + n, cost + n * types[t].PricePerHour);
            }
        }

        Rec(0, demand, 0, 0);
        return best;
    }
}
