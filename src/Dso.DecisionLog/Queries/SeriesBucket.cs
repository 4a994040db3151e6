namespace Dso.DecisionLog.Queries;

/// <summary>
/// One bucket of a service's time series, aggregated on the server. Rates (demand, capacity, cost per hour) are
/// averages over the bucket's decisions; money (spent, reactive) is summed; counts are summed. Null: no data.
/// </summary>
public sealed record SeriesBucket(
    DateTimeOffset Start,
    int Decisions,
    double? DemandRps,
    double? DemandPeakRps,
    double? LatencyP95Ms,
    double? ForecastP50Rps,
    double? ForecastP90Rps,
    double? ReadyCapacityRps,
    double? BilledCapacityRps,
    double? HourlyCostUsd,
    double? ReactiveHourlyCostUsd,
    double SpentUsd,
    double ReactiveUsd,
    int Anomalies,
    int Changes,
    int Held)
{
    /// <summary>The last chosen fleet in the bucket, by offering (e.g. <c>c7g.large: 4</c>).</summary>
    public IReadOnlyDictionary<string, int> Fleet { get; init; } = new Dictionary<string, int>();
}
