namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Scores a candidate (add, removeNow, removeLater) against a <see cref="FleetProblem"/> in plain doubles: the
/// reference semantics both solvers must agree with, used by the exhaustive solver and by tests.
/// </summary>
internal static class FleetEvaluator
{
    /// <summary>Returns null when a hard constraint fails; otherwise the solution with its shortfalls and objective.</summary>
    public static FleetSolution? Evaluate(FleetProblem p, int[] add, int[] removeNow, int[] removeLater, string solver)
    {
        int now = 0, final = 0, changes = 0;
        decimal hourlyNow = 0;
        double objective = 0;
        for (var t = 0; t < p.TypeCount; t++)
        {
            if (add[t] < 0 || removeNow[t] < 0 || removeLater[t] < 0 || removeNow[t] + removeLater[t] > p.MaxRemove[t] ||
                (!p.AllowAdd && add[t] > 0) || (!p.AllowRemove && removeNow[t] + removeLater[t] > 0))
            {
                return null;
            }

            var held = p.Current[t] + add[t] - removeNow[t];
            var kept = held - removeLater[t];
            if (kept < 0)
            {
                return null;
            }

            var price = (double)p.Types[t].PricePerHour;
            now += held;
            final += kept;
            changes += add[t] + removeNow[t];
            hourlyNow += p.Types[t].PricePerHour * held;
            objective += price * (p.HorizonHours * kept + p.LaunchOverheadHours * add[t] + p.OverlapHours * removeLater[t]);
        }

        if (now < p.MinInstances || final < p.MinInstances || now > p.MaxInstances || changes > p.MaxChanges ||
            (p.MaxHourlyUsd is { } cap && hourlyNow > cap))
        {
            return null;
        }

        var rowShort = new double[p.Rows];
        for (var k = 0; k < p.Rows; k++)
        {
            rowShort[k] = Math.Max(0, p.RowDemand[k] - RowCapacity(p, k, add, removeNow, removeLater));
            objective += p.ShortfallUsdPerRps * rowShort[k];
        }

        var steady = 0.0;
        for (var t = 0; t < p.TypeCount; t++)
        {
            steady += p.Types[t].CapacityRps * (p.Current[t] + add[t] - removeNow[t] - removeLater[t]);
        }

        var steadyShort = Math.Max(0, p.SteadyDemand - steady);
        objective += p.ShortfallUsdPerRps * steadyShort;
        return new FleetSolution(add, removeNow, removeLater, rowShort, steadyShort, objective, solver);
    }

    /// <summary>Shortfalls and objective of a plan without checking the hard constraints (for a step-limited partial move).</summary>
    public static FleetSolution Score(FleetProblem p, int[] add, int[] removeNow, int[] removeLater, string solver) =>
        Evaluate(p with { MinInstances = 0, MaxInstances = int.MaxValue, MaxChanges = int.MaxValue, MaxHourlyUsd = null, AllowAdd = true, AllowRemove = true, MaxRemove = [.. p.Current] },
            add, removeNow, removeLater, solver)!;

    /// <summary>
    /// Capacity in row k: what the current fleet gives, minus removals (counted at full capacity, which is
    /// conservative for booting ones), plus launches pro rata; instances replaced later still serve until the
    /// launches are fully serving.
    /// </summary>
    public static double RowCapacity(FleetProblem p, int k, int[] add, int[] removeNow, int[] removeLater)
    {
        var cap = p.KeepCapacity[k];
        var f = p.LaunchFraction[k];
        for (var t = 0; t < p.TypeCount; t++)
        {
            var c = p.Types[t].CapacityRps;
            cap += c * (add[t] * f - removeNow[t] - (f >= 1 ? removeLater[t] : 0));
        }

        return cap;
    }
}
