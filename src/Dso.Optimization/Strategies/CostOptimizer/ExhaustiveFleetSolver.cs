namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Tries every (launch, remove now, remove later) combination within small bounds. Exponential, so it is only the
/// yardstick the tests hold <see cref="CpSatFleetSolver"/> to on small catalogs.
/// </summary>
internal sealed class ExhaustiveFleetSolver(int maxLaunchPerType) : IFleetSolver
{
    public FleetSolution? Solve(FleetProblem problem)
    {
        var n = problem.TypeCount;
        var add = new int[n];
        var removeNow = new int[n];
        var removeLater = new int[n];
        FleetSolution? best = null;
        Recurse(0);
        return best;

        void Recurse(int t)
        {
            if (t == n)
            {
                var candidate = FleetEvaluator.Evaluate(problem, [.. add], [.. removeNow], [.. removeLater], "exhaustive");
                if (candidate is not null && (best is null || candidate.ObjectiveUsd < best.ObjectiveUsd - 1e-12))
                {
                    best = candidate;
                }

                return;
            }

            var maxAdd = problem.AllowAdd ? maxLaunchPerType : 0;
            var maxRemove = problem.AllowRemove ? problem.MaxRemove[t] : 0;
            for (var a = 0; a <= maxAdd; a++)
            {
                for (var rn = 0; rn <= maxRemove; rn++)
                {
                    for (var rl = 0; rn + rl <= maxRemove; rl++)
                    {
                        add[t] = a;
                        removeNow[t] = rn;
                        removeLater[t] = rl;
                        Recurse(t + 1);
                    }
                }
            }
        }
    }
}
