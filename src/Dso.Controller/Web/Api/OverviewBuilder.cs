using Dso.Controller.Hosting;
using Dso.DecisionLog;
using Dso.DecisionLog.Queries;

namespace Dso.Controller.Web.Api;

/// <summary>Builds the overview rows from the policy and the log (one totals query per range, one latest decision per service).</summary>
internal static class OverviewBuilder
{
    public static async Task<IReadOnlyList<ServiceOverview>> BuildAsync(IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct)
    {
        var now = clock.Time.GetUtcNow();
        var month = await store.TotalsAsync(ServiceDirectory.MonthStart(now), now.AddMinutes(1), ct);
        var day = (await store.TotalsAsync(now.AddDays(-1), now.AddMinutes(1), ct)).ToDictionary(t => t.Service);
        var rows = new List<ServiceOverview>();
        foreach (var service in ServiceDirectory.Names(loops, month))
        {
            var policy = ServiceDirectory.Policy(loops, service);
            var last = await store.LastAsync(service, ct);
            var m = month.FirstOrDefault(t => t.Service == service);
            var d = day.GetValueOrDefault(service);
            var latency = d?.LatencyP95Ms;
            var slo = policy?.Slo.LatencyP95Ms;
            var status = latency is null || slo is null ? "unknown" : latency <= slo ? "met" : "missed";
            rows.Add(new ServiceOverview(
                service, ServiceDirectory.Team(loops, service), slo, latency, status, last?.Decision.Budget,
                m?.SpentUsd ?? 0, m?.ReactiveUsd ?? 0, (m?.ReactiveUsd ?? 0) - (m?.SpentUsd ?? 0),
                d?.Anomalies ?? 0, d?.Held ?? 0, last?.Decision.Timestamp));
        }

        return rows;
    }
}
