using Prometheus;

namespace Dso.Controller.Health;

/// <summary>
/// <c>dso_service_health{service,state}</c>: 1 for the state a service is in, 0 for the others, refreshed at every
/// scrape from the same judgement <c>/healthz</c> shows, so an alert rule and a human read the same truth.
/// </summary>
internal static class HealthMetrics
{
    private static readonly Gauge State = Metrics.CreateGauge("dso_service_health", "1 for the health state (ok, degraded, failing) each service is in, else 0.", "service", "state");

    public static void Publish(IReadOnlyList<ServiceHealth> report)
    {
        var declared = report.Select(h => h.Service).ToHashSet(StringComparer.Ordinal);
        foreach (var labels in State.GetAllLabelValues().Where(l => !declared.Contains(l[0])).ToArray())
        {
            State.RemoveLabelled(labels);
        }

        foreach (var health in report)
        {
            foreach (var state in Enum.GetValues<HealthState>())
            {
                State.WithLabels(health.Service, state.ToString().ToLowerInvariant()).Set(health.State == state ? 1 : 0);
            }
        }
    }
}
