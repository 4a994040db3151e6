namespace Dso.Experiments.Metrics;

/// <summary>What a block is scored on; every metric is "lower is better".</summary>
public enum ExperimentMetric
{
    /// <summary>USD billed for the fleet over the block's measured time.</summary>
    Cost,

    /// <summary>USD per 1,000 requests served in the measured time: cost that also credits serving more.</summary>
    CostPer1000Served,

    /// <summary>Requests above ready capacity in the measured time.</summary>
    UnservedRequests,

    /// <summary>Minutes in which demand exceeded ready capacity (the SLO could not hold).</summary>
    SloViolationMinutes,

    /// <summary>Decisions that changed the fleet.</summary>
    ScalingActions,
}
