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
        decimal hourlyFinal = 0;
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
            hourlyFinal += p.Types[t].PricePerHour * kept;
            objective += price * (p.HorizonHours * kept + p.LaunchOverheadHours * add[t] + p.OverlapHours * removeLater[t]);
        }

        if (now < p.MinInstances || final < p.MinInstances || now > p.MaxInstances || changes > p.MaxChanges ||
            !WithinCap(p, hourlyNow, hourlyFinal) || !SpotFits(p, add, removeNow, removeLater))
        {
            return null;
        }

        var rowShort = new double[p.Rows];
        var rowOffload = p.Serverless is null ? [] : new double[p.Rows];
        for (var k = 0; k < p.Rows; k++)
        {
            var gap = Math.Max(0, p.RowDemand[k] - RowCapacity(p, k, add, removeNow, removeLater));
            if (p.Serverless is { } s)
            {
                rowOffload[k] = Offload(p, s, gap, p.RowDemand[k], s.RowHours);
                objective += rowOffload[k] * s.UsdPerRpsHour * s.RowHours;
                gap -= rowOffload[k];
            }

            rowShort[k] = gap;
            objective += p.ShortfallUsdPerRps * rowShort[k];
        }

        var steady = 0.0;
        for (var t = 0; t < p.TypeCount; t++)
        {
            steady += p.Capacity(t) * (p.Current[t] + add[t] - removeNow[t] - removeLater[t]);
        }

        var steadyShort = Math.Max(0, p.SteadyDemand - steady);
        var steadyOffload = 0.0;
        if (p.Serverless is { } steadyServerless)
        {
            steadyOffload = Offload(p, steadyServerless, steadyShort, p.SteadyDemand, p.HorizonHours);
            objective += steadyOffload * steadyServerless.UsdPerRpsHour * p.HorizonHours;
            steadyShort -= steadyOffload;
        }

        objective += p.ShortfallUsdPerRps * p.SteadyShortfallWeight * steadyShort;
        return new FleetSolution(add, removeNow, removeLater, rowShort, steadyShort, objective, solver) { RowOffload = rowOffload, SteadyOffload = steadyOffload };
    }

    /// <summary>
    /// The spend ceilings: the held fleet within <see cref="FleetProblem.HardHourlyUsd"/>; within
    /// <see cref="FleetProblem.MaxHourlyUsd"/> itself, or (averaged over a swap's overlap) the final fleet within it
    /// and the hour's average too, in the solver's thousandths of the overlap.
    /// </summary>
    internal static bool WithinCap(FleetProblem p, decimal hourlyNow, decimal hourlyFinal)
    {
        if (p.HardHourlyUsd is { } hard && hourlyNow > hard)
        {
            return false;
        }

        if (p.MaxHourlyUsd is not { } cap)
        {
            return true;
        }

        if (!p.CapAveraged)
        {
            return hourlyNow <= cap;
        }

        var share = OverlapPermille(p);
        return hourlyFinal <= cap && (hourlyNow * share) + (hourlyFinal * (1000 - share)) <= cap * 1000;
    }

    /// <summary>The overlap as thousandths of an hour (how both solvers weigh it).</summary>
    internal static long OverlapPermille(FleetProblem p) => Math.Clamp((long)Math.Ceiling((p.CapOverlapHours * 1000) - 1e-9), 1, 1000);

    /// <summary>Shortfalls and objective of a plan without checking the hard constraints (for a step-limited partial move).</summary>
    public static FleetSolution Score(FleetProblem p, int[] add, int[] removeNow, int[] removeLater, string solver) =>
        Evaluate(p with
        {
            MinInstances = 0, MaxInstances = int.MaxValue, MaxChanges = int.MaxValue, MaxHourlyUsd = null, AllowAdd = true, AllowRemove = true, MaxRemove = [.. p.Current],
            Spot = p.Spot is null ? null : p.Spot with { MaxShare = 1, OnDemandMin = 0 },
        }, add, removeNow, removeLater, solver)!;

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
            var c = p.Capacity(t);
            cap += c * (add[t] * f - removeNow[t] - (f >= 1 ? removeLater[t] : 0));
        }

        return cap;
    }

    /// <summary>True when the fleet held now and the final one keep the spot share and the on-demand floor.</summary>
    public static bool SpotFits(FleetProblem p, int[] add, int[] removeNow, int[] removeLater)
    {
        if (p.Spot is not { } spot)
        {
            return true;
        }

        long shareNow = 0, shareFinal = 0;
        int onDemandNow = 0, onDemandFinal = 0;
        for (var t = 0; t < p.TypeCount; t++)
        {
            var held = p.Current[t] + add[t] - removeNow[t];
            var kept = held - removeLater[t];
            var coefficient = spot.ShareCoefficient(p.Types[t].CapacityRps, t);
            shareNow += coefficient * held;
            shareFinal += coefficient * kept;
            if (!spot.IsSpot[t])
            {
                onDemandNow += held;
                onDemandFinal += kept;
            }
        }

        return shareNow <= 0 && shareFinal <= 0 && onDemandNow >= spot.OnDemandMin && onDemandFinal >= spot.OnDemandMin;
    }

    /// <summary>
    /// The cheapest offload given the fleet: the whole gap up to the limit when serverless is cheaper than leaving it
    /// unserved, else none (rows are independent, so this per-row choice is optimal).
    /// </summary>
    private static double Offload(FleetProblem p, ServerlessTerms s, double gap, double demand, double hours) =>
        s.UsdPerRpsHour * hours < p.ShortfallUsdPerRps ? Math.Min(gap, s.MaxRps(demand)) : 0;
}
