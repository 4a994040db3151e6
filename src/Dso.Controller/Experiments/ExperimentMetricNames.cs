using Dso.Experiments.Metrics;

namespace Dso.Controller.Experiments;

/// <summary>Metric names as the YAML writes them, for the API and for reading the <c>metric</c> parameter.</summary>
internal static class ExperimentMetricNames
{
    public static readonly IReadOnlyDictionary<ExperimentMetric, string> Names = new Dictionary<ExperimentMetric, string>
    {
        [ExperimentMetric.Cost] = "cost",
        [ExperimentMetric.CostPer1000Served] = "cost_per1000_served",
        [ExperimentMetric.UnservedRequests] = "unserved_requests",
        [ExperimentMetric.SloViolationMinutes] = "slo_violation_minutes",
        [ExperimentMetric.ScalingActions] = "scaling_actions",
    };

    public static string Of(ExperimentMetric metric) => Names[metric];

    public static ExperimentMetric? Parse(string name) =>
        Names.FirstOrDefault(kv => kv.Value == name) is { Value: not null } hit ? hit.Key : null;
}
