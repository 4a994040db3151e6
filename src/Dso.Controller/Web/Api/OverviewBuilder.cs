using Dso.Controller.Hosting;
using Dso.Controller.Web.Timing;
using Dso.DecisionLog;
using Dso.DecisionLog.Queries;

namespace Dso.Controller.Web.Api;

/// <summary>Builds the overview rows from the policy, the log (SLO, anomalies, held ticks, latest decision) and the spend ledger (money).</summary>
internal static class OverviewBuilder
{
    public static async Task<IReadOnlyList<ServiceOverview>> BuildAsync(IDecisionStore store, LoopRegistry loops, ServiceClock clock, CancellationToken ct, ServerTiming? timing = null)
    {
        timing ??= new ServerTiming();
        var now = clock.Time.GetUtcNow();
        var month = await timing.Db(() => store.TotalsAsync(ServiceDirectory.MonthStart(now), now.AddMinutes(1), ct));
        var day = (await timing.Db(() => store.TotalsAsync(now.AddDays(-1), now.AddMinutes(1), ct))).ToDictionary(t => t.Service);

        // Money from the spend ledger, as the budget and showback read it, so the three pages agree to the cent.
        var spend = (await timing.Db(() => store.SpendByDayAsync(ServiceDirectory.MonthStart(now), now.AddMinutes(1), ct)))
            .GroupBy(d => d.Service, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (Spent: g.Sum(d => d.SpentUsd), Reactive: g.Sum(d => d.ReactiveUsd)), StringComparer.Ordinal);
        var rows = new List<ServiceOverview>();
        foreach (var service in ServiceDirectory.Names(loops, month))
        {
            var policy = ServiceDirectory.Policy(loops, service);
            var last = await timing.Db(() => store.LastAsync(service, ct));
            var m = spend.GetValueOrDefault(service);
            var d = day.GetValueOrDefault(service);
            var latency = d?.LatencyP95Ms;
            var slo = policy?.Slo.LatencyP95Ms;
            var status = latency is null || slo is null ? "unknown" : latency <= slo ? "met" : "missed";
            rows.Add(new ServiceOverview(
                service, ServiceDirectory.Team(loops, service), slo, latency, status, last?.Decision.Budget,
                m.Spent, m.Reactive, m.Reactive - m.Spent,
                d?.Anomalies ?? 0, d?.Held ?? 0, last?.Decision.Timestamp));
        }

        return rows;
    }
}
