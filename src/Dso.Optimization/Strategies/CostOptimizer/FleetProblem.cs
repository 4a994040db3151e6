using Dso.Abstractions.Catalog;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// One tick's fleet choice as a small integer program. Per type: launch now (<c>add</c>), remove now
/// (<c>removeNow</c>), or remove once this tick's launches are serving (<c>removeLater</c>, make-before-break).
/// Rows are the coming trace intervals the current decision is the last chance to serve: row k's capacity is what
/// stays plus launches weighted by the share of row k they serve after booting. Shortfall is allowed but priced,
/// so a budget or max_instances that cannot cover demand still yields the plan that serves the most. Optional
/// <see cref="Spot"/> and <see cref="Serverless"/> terms add spot offerings and a serverless offload.
/// </summary>
internal sealed record FleetProblem
{
    public required IReadOnlyList<InstanceType> Types { get; init; }

    /// <summary>Billed instances per type now (index-aligned with <see cref="Types"/>).</summary>
    public required int[] Current { get; init; }

    /// <summary>Capacity the current fleet gives in each coming row (ready instances plus booting ones pro rata).</summary>
    public required double[] KeepCapacity { get; init; }

    /// <summary>Share (0..1) of each coming row that an instance launched now serves.</summary>
    public required double[] LaunchFraction { get; init; }

    /// <summary>Capacity each coming row should have (an upper quantile of its demand).</summary>
    public required double[] RowDemand { get; init; }

    /// <summary>Capacity the fleet must have once the launches are serving and the replaced instances are gone.</summary>
    public required double SteadyDemand { get; init; }

    public bool AllowAdd { get; init; } = true;

    public bool AllowRemove { get; init; } = true;

    /// <summary>Most instances of each type that may be removed (instances still inside their billing minimum are kept).</summary>
    public required int[] MaxRemove { get; init; }

    public int MinInstances { get; init; }

    public int MaxInstances { get; init; } = int.MaxValue;

    /// <summary>Most launches plus removals now.</summary>
    public int MaxChanges { get; init; } = int.MaxValue;

    /// <summary>
    /// Ceiling on the hourly price of the fleet held now (hard budget, max_hourly_usd), if any. With
    /// <see cref="CapOverlapHours"/> set, on the fleet once the replaced instances are gone and on the hour's average
    /// instead (see there).
    /// </summary>
    public decimal? MaxHourlyUsd { get; init; }

    /// <summary>
    /// Hours a swap's replaced instances stay billed beside their replacements (0: the cap binds the fleet held now,
    /// as without a swap). When set below an hour, <see cref="MaxHourlyUsd"/> bounds the final fleet and the hour's
    /// average (the held fleet for these hours, the final one for the rest): a make-before-break swap to a cheaper
    /// mix may cost more than the cap while its replacements boot. Without it a budget-paced cap just above an
    /// oversized fleet's price traps it there, since the overlap of any swap is above the cap (suite,
    /// twitter-late.wide.b7.x0.9: one 930-rps instance held for hours at 350 rps).
    /// </summary>
    public double CapOverlapHours { get; init; }

    /// <summary>Ceiling on the hourly price of the fleet held now that no overlap relaxes (max_hourly_usd, what is left of a hard budget), if any.</summary>
    public decimal? HardHourlyUsd { get; init; }

    /// <summary>Whether the cap is averaged over a swap's overlap (see <see cref="CapOverlapHours"/>).</summary>
    public bool CapAveraged => MaxHourlyUsd is not null && CapOverlapHours > 0 && CapOverlapHours < 1;

    /// <summary>Hours over which the held fleet's price is weighed against one-off costs.</summary>
    public double HorizonHours { get; init; } = 1;

    /// <summary>Hours each launch is paid for before it serves (boot) plus a churn allowance.</summary>
    public double LaunchOverheadHours { get; init; }

    /// <summary>Hours a replaced instance overlaps with its replacement (make-before-break).</summary>
    public double OverlapHours { get; init; }

    /// <summary>USD per rps of shortfall in one row: far above the price of capacity, so shortfall is a last resort.</summary>
    public required double ShortfallUsdPerRps { get; init; }

    /// <summary>
    /// Weight of the steady-state shortfall against one row's (1: one row's worth). A replacing scale-out (see
    /// <c>StepInputs.SolveScaleOut</c>) weighs it over the horizon's rows: the capacity a swap gains lasts, its dip
    /// only until the launches boot.
    /// </summary>
    public double SteadyShortfallWeight { get; init; } = 1;

    /// <summary>Spot share, on-demand floor and the expected capacity of spot offerings; null when no type is spot.</summary>
    public SpotTerms? Spot { get; init; }

    /// <summary>The serverless offload option; null when the service declares no serverless offering.</summary>
    public ServerlessTerms? Serverless { get; init; }

    public int Rows => RowDemand.Length;

    /// <summary>Capacity one instance of type t is counted at: nominal, or its expected value for spot.</summary>
    public double Capacity(int t) => Spot is null ? Types[t].CapacityRps : Types[t].CapacityRps * Spot.Availability[t];

    public int TypeCount => Types.Count;
}
