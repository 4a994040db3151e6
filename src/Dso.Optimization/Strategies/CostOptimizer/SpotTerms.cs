namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// The spot part of a <see cref="FleetProblem"/>. Spot capacity counts at its expected value: an instance serves
/// its capacity times <see cref="Availability"/>, the probability it survives the boot delay plus the horizon
/// (interruptions as a Poisson process). The share and the floor hold for the fleet held now and the final one.
/// </summary>
internal sealed record SpotTerms
{
    /// <summary>Shares are compared in thousandths so that solver and evaluator agree exactly (0.6 → 600).</summary>
    public const int ShareScale = 1000;

    /// <summary>Capacities are compared in centi-rps, as the CP-SAT model counts them.</summary>
    public const double CapacityScale = 100;

    /// <summary>Per type (index-aligned with the problem's types): true for a spot offering.</summary>
    public required bool[] IsSpot { get; init; }

    /// <summary>Per type: the share of nominal capacity counted as serving (1 for on-demand).</summary>
    public required double[] Availability { get; init; }

    /// <summary>Largest share (0..1) of the fleet's nominal capacity that may be spot.</summary>
    public double MaxShare { get; init; } = 1;

    /// <summary>Fewest on-demand instances.</summary>
    public int OnDemandMin { get; init; }

    /// <summary>
    /// Per type: the coefficient of the share constraint Σ coef·n ≤ 0, i.e. spot capacity·(1 − share) minus
    /// on-demand capacity·share, in centi-rps·thousandths (integers, so both solvers draw the line at the same place).
    /// </summary>
    public long ShareCoefficient(double capacityRps, int t)
    {
        var c = (long)Math.Round(capacityRps * CapacityScale);
        var share = (long)Math.Round(MaxShare * ShareScale);
        return IsSpot[t] ? c * (ShareScale - share) : -c * share;
    }
}
