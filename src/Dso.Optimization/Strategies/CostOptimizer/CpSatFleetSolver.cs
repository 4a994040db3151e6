using Google.OrTools.Sat;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Solves the fleet program with OR-Tools CP-SAT. Capacities are scaled to centi-rps and money to micro-dollars
/// so the model is integral; the answer is re-scored with <see cref="FleetEvaluator"/> so every figure the
/// planner reports is in the same units the tests check. Spot terms add the share and floor constraints (integral
/// in both solvers, see <see cref="SpotTerms"/>); serverless terms add one offload variable per row. Without either
/// the model is exactly the on-demand one, so a policy that declares neither plans as before.
/// </summary>
internal sealed class CpSatFleetSolver(double timeLimitSeconds = CpSatFleetSolver.DefaultTimeLimitSeconds) : IFleetSolver
{
    /// <summary>A tick's model has a few dozen variables; this only bounds a pathological case.</summary>
    public const double DefaultTimeLimitSeconds = 0.2;

    /// <summary>The wall-clock limit is this many times the deterministic one (reached only on a starved machine).</summary>
    private const double WallClockBackstop = 10;

    private const double CapacityScale = 100;     // centi-rps
    private const double MoneyScale = 1_000_000;  // micro-USD

    /// <summary>
    /// With a serverless offering the objective counts nano-dollars: a centi-rps offloaded for one row costs well
    /// under a micro-dollar, which micro-dollars would round to nothing or double.
    /// </summary>
    private const double ServerlessMoneyScale = 1_000_000_000;

    public FleetSolution? Solve(FleetProblem p)
    {
        var model = new CpModel();
        var n = p.TypeCount;
        var maxDemand = Math.Max(p.SteadyDemand, p.RowDemand.DefaultIfEmpty(0).Max());
        var add = new IntVar[n];
        var removeNow = new IntVar[n];
        var removeLater = new IntVar[n];
        var totalNow = LinearExpr.NewBuilder();
        var totalFinal = LinearExpr.NewBuilder();
        var changes = LinearExpr.NewBuilder();
        var hourlyNow = LinearExpr.NewBuilder();
        var hourlyFinal = LinearExpr.NewBuilder();
        var objective = LinearExpr.NewBuilder();
        long currentTotal = p.Current.Sum();
        long currentHourly = 0;
        var objectiveScale = p.Serverless is null ? 1 : ServerlessMoneyScale / MoneyScale;
        for (var t = 0; t < n; t++)
        {
            var type = p.Types[t];
            var addBound = p.AllowAdd ? AddBound(p, p.Capacity(t), maxDemand) : 0;
            var removeBound = p.AllowRemove ? p.MaxRemove[t] : 0;
            add[t] = model.NewIntVar(0, addBound, $"add_{t}");
            removeNow[t] = model.NewIntVar(0, removeBound, $"rmnow_{t}");
            removeLater[t] = model.NewIntVar(0, removeBound, $"rmlater_{t}");
            model.Add(removeNow[t] + removeLater[t] <= removeBound);
            totalNow.AddTerm(add[t], 1).AddTerm(removeNow[t], -1);
            totalFinal.AddTerm(add[t], 1).AddTerm(removeNow[t], -1).AddTerm(removeLater[t], -1);
            changes.AddTerm(add[t], 1).AddTerm(removeNow[t], 1);
            var micro = (long)Math.Round((double)type.PricePerHour * MoneyScale);
            currentHourly += micro * p.Current[t];
            hourlyNow.AddTerm(add[t], micro).AddTerm(removeNow[t], -micro);
            hourlyFinal.AddTerm(add[t], micro).AddTerm(removeNow[t], -micro).AddTerm(removeLater[t], -micro);
            var objectiveMicro = p.Serverless is null ? micro : (double)type.PricePerHour * ServerlessMoneyScale;
            objective.AddTerm(add[t], Round(objectiveMicro * (p.HorizonHours + p.LaunchOverheadHours)))
                .AddTerm(removeNow[t], -Round(objectiveMicro * p.HorizonHours))
                .AddTerm(removeLater[t], Round(objectiveMicro * (p.OverlapHours - p.HorizonHours)));
        }

        model.Add(LinearExpr.Sum(removeNow.Select((r, t) => add[t] - r)) >= p.MinInstances - currentTotal);
        model.Add(totalFinal >= p.MinInstances - currentTotal);
        if (p.MaxInstances < int.MaxValue)
        {
            model.Add(totalNow <= p.MaxInstances - currentTotal);
        }

        if (p.MaxChanges < int.MaxValue)
        {
            model.Add(changes <= p.MaxChanges);
        }

        if (p.HardHourlyUsd is { } hard)
        {
            model.Add(hourlyNow <= (long)Math.Floor((double)hard * MoneyScale) - currentHourly);
        }

        if (p.MaxHourlyUsd is { } cap)
        {
            var capMicro = (long)Math.Floor((double)cap * MoneyScale);
            if (p.CapAveraged)
            {
                // The final fleet within the cap, and the hour's average: the held fleet over the overlap, the final after.
                var share = FleetEvaluator.OverlapPermille(p);
                model.Add(hourlyFinal <= capMicro - currentHourly);
                model.Add((LinearExpr.Affine(hourlyNow, share, 0) + LinearExpr.Affine(hourlyFinal, 1000 - share, 0)) <= (capMicro - currentHourly) * 1000);
            }
            else
            {
                model.Add(hourlyNow <= capMicro - currentHourly);
            }
        }

        if (p.Spot is { } spot)
        {
            AddSpot(model, p, spot, add, removeNow, removeLater);
        }

        var penalty = Math.Max(1, Round(p.ShortfallUsdPerRps * MoneyScale * objectiveScale / CapacityScale));
        for (var k = 0; k < p.Rows; k++)
        {
            var need = (long)Math.Ceiling((p.RowDemand[k] - p.KeepCapacity[k]) * CapacityScale - 1e-6);
            AddCoverage(model, objective, p, k, need, penalty, add, removeNow, removeLater, $"short_{k}");
        }

        var steadyNeed = (long)Math.Ceiling((p.SteadyDemand - p.Current.Select((c, t) => c * p.Capacity(t)).Sum()) * CapacityScale - 1e-6);
        AddCoverage(model, objective, p, -1, steadyNeed, Math.Max(1, Round(penalty * p.SteadyShortfallWeight)), add, removeNow, removeLater, "short_steady");
        model.Minimize(objective);

        // The limit is CP-SAT's deterministic time (work done, roughly seconds on a quiet core), not the wall clock: a
        // wall-clock limit made the same scenario decide differently on a busy machine (a solve cut short returns
        // another feasible plan). These programs solve to optimality in under 0.001 deterministic seconds; the wall
        // clock limit stays only as a far backstop for the service's tick latency.
        var limit = timeLimitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var backstop = (timeLimitSeconds * WallClockBackstop).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var solver = new CpSolver
        {
            StringParameters = $"num_workers:1,cp_model_presolve:false,symmetry_level:0,max_deterministic_time:{limit},max_time_in_seconds:{backstop}",
        };
        var status = solver.Solve(model);
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
        {
            return null;
        }

        int[] Values(IntVar[] vars) => [.. vars.Select(v => (int)solver.Value(v))];
        return FleetEvaluator.Evaluate(p, Values(add), Values(removeNow), Values(removeLater), status == CpSolverStatus.Optimal ? "cp-sat" : "cp-sat (time limit)");
    }

    /// <summary>Shortfall slack for one row (k ≥ 0) or the steady state (k = -1), priced per centi-rps.</summary>
    private static void AddCoverage(CpModel model, LinearExprBuilder objective, FleetProblem p, int k, long need, long penalty,
        IntVar[] add, IntVar[] removeNow, IntVar[] removeLater, string name)
    {
        var demand = k >= 0 ? p.RowDemand[k] : p.SteadyDemand;
        // Removals are counted at full capacity, so a row's modelled capacity can go below zero: bound accordingly.
        var removable = p.Current.Select((c, t) => c * p.Capacity(t)).Sum();
        var shortfall = model.NewIntVar(0, (long)Math.Ceiling((Math.Max(0, demand) + removable) * CapacityScale) + 1, name);
        var supply = LinearExpr.NewBuilder();
        var f = k >= 0 ? p.LaunchFraction[k] : 1.0;
        for (var t = 0; t < p.TypeCount; t++)
        {
            var c = p.Capacity(t) * CapacityScale;
            supply.AddTerm(add[t], (long)Math.Floor(c * f)).AddTerm(removeNow[t], -(long)Math.Ceiling(c));
            if (f >= 1)
            {
                supply.AddTerm(removeLater[t], -(long)Math.Ceiling(c));
            }
        }

        supply.Add(shortfall);
        if (p.Serverless is { } serverless)
        {
            // Offload in centi-rps, priced in nano-dollars for the row (the horizon for the steady state).
            var offload = model.NewIntVar(0, (long)Math.Floor(serverless.MaxRps(demand) * CapacityScale + 1e-6), name + "_offload");
            var hours = k >= 0 ? serverless.RowHours : p.HorizonHours;
            supply.Add(offload);
            objective.AddTerm(offload, Math.Max(1, Round(serverless.UsdPerRpsHour * hours * ServerlessMoneyScale / CapacityScale)));
        }

        model.Add(supply >= need);
        objective.AddTerm(shortfall, penalty);
    }

    /// <summary>Spot share and on-demand floor on the fleet held now and on the final fleet (see <see cref="SpotTerms"/>).</summary>
    private static void AddSpot(CpModel model, FleetProblem p, SpotTerms spot, IntVar[] add, IntVar[] removeNow, IntVar[] removeLater)
    {
        var shareNow = LinearExpr.NewBuilder();
        var shareFinal = LinearExpr.NewBuilder();
        var onDemandNow = LinearExpr.NewBuilder();
        var onDemandFinal = LinearExpr.NewBuilder();
        long currentShare = 0;
        long currentOnDemand = 0;
        for (var t = 0; t < p.TypeCount; t++)
        {
            var coefficient = spot.ShareCoefficient(p.Types[t].CapacityRps, t);
            currentShare += coefficient * p.Current[t];
            shareNow.AddTerm(add[t], coefficient).AddTerm(removeNow[t], -coefficient);
            shareFinal.AddTerm(add[t], coefficient).AddTerm(removeNow[t], -coefficient).AddTerm(removeLater[t], -coefficient);
            if (!spot.IsSpot[t])
            {
                currentOnDemand += p.Current[t];
                onDemandNow.AddTerm(add[t], 1).AddTerm(removeNow[t], -1);
                onDemandFinal.AddTerm(add[t], 1).AddTerm(removeNow[t], -1).AddTerm(removeLater[t], -1);
            }
        }

        model.Add(shareNow <= -currentShare);
        model.Add(shareFinal <= -currentShare);
        model.Add(onDemandNow >= spot.OnDemandMin - currentOnDemand);
        model.Add(onDemandFinal >= spot.OnDemandMin - currentOnDemand);
    }

    private static long AddBound(FleetProblem p, double capacity, double maxDemand)
    {
        var bound = (long)Math.Ceiling(maxDemand / capacity) + Math.Max(p.MinInstances, p.Spot?.OnDemandMin ?? 0) + 1;
        return Math.Min(bound, Math.Min(p.MaxInstances, p.MaxChanges));
    }

    private static long Round(double v) => (long)Math.Round(v);
}
