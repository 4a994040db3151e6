using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>
/// CP-SAT's memo (answers by their exact model): an answer from it must be the fresh solver's answer, re-scored
/// against the problem asked; a problem whose model differs is solved anew.
/// </summary>
public sealed class CpSatMemoTests
{
    [Fact]
    public void Solve_SameModelAgain_IsAnsweredFromTheMemoWithTheFreshAnswer()
    {
        var random = new Random(4242);
        var memoized = new CpSatFleetSolver();
        for (var i = 0; i < 60; i++)
        {
            var problem = i % 3 == 0
                ? RandomProblems.WithSpot(random, RandomProblems.Problem(random, random.Next(1, 5), 4), 4)
                : RandomProblems.Problem(random, random.Next(1, 5), 4);
            // Demand moved by far less than the model's centi-rps: the same model, answered from the memo, but scored
            // against the problem asked.
            var nudged = problem with { RowDemand = [.. problem.RowDemand.Select(d => d + 1e-9)] };
            var first = memoized.Solve(problem);
            var again = memoized.Solve(nudged);
            AssertSame(new CpSatFleetSolver().Solve(problem), first, $"case {i} first solve");
            AssertSame(new CpSatFleetSolver().Solve(nudged), again, $"case {i} from the memo");
        }

        Assert.Equal((60L, 60L), memoized.MemoCounts);
    }

    [Fact]
    public void Solve_DemandMovedByAWholeRps_IsSolvedAnew()
    {
        var random = new Random(99);
        var solver = new CpSatFleetSolver();
        var problem = RandomProblems.Problem(random, 3, 4);
        var low = solver.Solve(problem);
        var high = solver.Solve(problem with { RowDemand = [.. problem.RowDemand.Select(d => d + 500)], SteadyDemand = problem.SteadyDemand + 500 });

        Assert.Equal((0L, 2L), solver.MemoCounts);
        Assert.NotNull(low);
        Assert.NotNull(high);
        Assert.True(high.TargetNow(problem).Sum() >= low.TargetNow(problem).Sum());
    }

    private static void AssertSame(FleetSolution? expected, FleetSolution? actual, string what)
    {
        Assert.True((expected is null) == (actual is null), $"{what}: feasibility differs");
        if (expected is null || actual is null)
        {
            return;
        }

        Assert.Equal(expected.Add, actual.Add);
        Assert.Equal(expected.RemoveNow, actual.RemoveNow);
        Assert.Equal(expected.RemoveLater, actual.RemoveLater);
        Assert.Equal(expected.ObjectiveUsd, actual.ObjectiveUsd);
        Assert.Equal(expected.Solver, actual.Solver);
    }
}
