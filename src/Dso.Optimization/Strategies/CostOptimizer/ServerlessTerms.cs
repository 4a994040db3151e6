namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// The serverless part of a <see cref="FleetProblem"/>: in each row (and the steady state) the program may route up
/// to <see cref="MaxRps"/> of the demand to the serverless offering, paid per rps-hour for the row's length
/// (the horizon for the steady state), so it weighs launching instances, offloading the gap and priced shortfall.
/// </summary>
internal sealed record ServerlessTerms
{
    /// <summary>When a cold start breaks the p95 objective, serverless may carry at most this share of a row's demand.</summary>
    public const double ColdStartDemandShare = 0.05;

    /// <summary>Most requests/s the offering sustains (concurrency over duration).</summary>
    public required double RpsLimit { get; init; }

    /// <summary>USD for one request/s for one hour.</summary>
    public required double UsdPerRpsHour { get; init; }

    /// <summary>Length of one row, in hours.</summary>
    public required double RowHours { get; init; }

    /// <summary>Cap on the share of a row's demand it may carry (cold starts slower than the SLO), or null for none.</summary>
    public double? MaxDemandShare { get; init; }

    /// <summary>Most requests/s the program may route to serverless in a row with this demand.</summary>
    public double MaxRps(double demand) =>
        Math.Max(0, MaxDemandShare is { } share ? Math.Min(RpsLimit, share * Math.Max(0, demand)) : RpsLimit);
}
