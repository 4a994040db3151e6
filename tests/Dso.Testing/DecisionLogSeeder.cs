using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;

namespace Dso.Testing;

/// <summary>
/// Writes a deterministic, realistic decision log: daily demand waves per service, fleets that follow them, a
/// reactive alternative that costs more, anomalies every few hundred ticks, held ticks, a canary variant, failed
/// and pending outcomes; and, when the log is also a spend ledger, one spend entry per tick as the loop writes it. Tests and the benchmark count on its exact pattern (see the constants).
/// </summary>
public static class DecisionLogSeeder
{
    public const double CapacityPerInstance = 100;
    public const decimal PricePerInstanceHour = 0.10m;

    /// <summary>Every this many ticks of a service, one anomaly (a spike, emergency scale-out).</summary>
    public const int AnomalyEvery = 397;

    /// <summary>Every this many ticks, one held tick (source down).</summary>
    public const int HeldEvery = 541;

    /// <summary>Every this many changes, the apply failed.</summary>
    public const int FailedEveryChange = 50;

    /// <summary>The second service runs variant "canary" on odd ticks.</summary>
    public const string CanaryVariant = "canary";

    public static async Task<int> SeedAsync(IDecisionLog log, IReadOnlyList<string> services, DateTimeOffset end, TimeSpan span, TimeSpan tick, CancellationToken ct = default)
    {
        var written = 0;
        for (var s = 0; s < services.Count; s++)
        {
            written += await SeedServiceAsync(log, services[s], s, end - span, end, tick, ct);
        }

        return written;
    }

    public static async Task<int> SeedServiceAsync(IDecisionLog log, string service, int index, DateTimeOffset start, DateTimeOffset end, TimeSpan tick, CancellationToken ct = default)
    {
        var random = new Random(1000 + index);
        var baseRps = 300 + (100 * index);
        var before = 4;
        var changes = 0;
        var monthSpend = 0m;
        var count = 0;
        decimal? reactiveHourly = null;
        var spend = log as ISpendLog;
        var total = (int)((end - start) / tick);
        for (var i = 0; i < total; i++)
        {
            var at = start + (tick * i);
            var hour = at.UtcDateTime.TimeOfDay.TotalHours;
            var anomaly = i % AnomalyEvery == AnomalyEvery - 1;
            var held = !anomaly && i % HeldEvery == HeldEvery - 1;
            var demand = baseRps * (1 + (0.5 * Math.Sin((hour - 6) / 24 * 2 * Math.PI))) * (1 + (0.05 * (random.NextDouble() - 0.5))) * (anomaly ? 2.5 : 1);
            var wanted = held ? before : Math.Clamp((int)Math.Ceiling(demand * 1.15 / CapacityPerInstance), 2, 60);
            var reactive = Math.Clamp((int)Math.Ceiling(demand / 0.7 / CapacityPerInstance), 2, 60);
            var cost = wanted * PricePerInstanceHour;
            if (at.Day == 1 && at.TimeOfDay < tick)
            {
                monthSpend = 0;
            }

            monthSpend += cost * (decimal)tick.TotalHours;
            if (spend is not null && i > 0)
            {
                // As the loop writes the ledger: the fleet that ran since the previous tick, and that tick's reactive alternative.
                var billed = before * PricePerInstanceHour * (decimal)tick.TotalHours;
                await spend.RecordSpendAsync(new SpendEntry(service, at - tick, at, billed, before * PricePerInstanceHour,
                    reactiveHourly is { } r ? r * (decimal)tick.TotalHours : billed), ct);
            }

            var decision = new ScalingDecision
            {
                Id = $"{service}-{at.ToUnixTimeSeconds()}",
                Service = service,
                Timestamp = at,
                PolicyVersion = "seed",
                Variant = index == 1 && i % 2 == 1 ? CanaryVariant : "default",
                Kpis = held ? new Dictionary<string, double>() : new Dictionary<string, double> { ["request_rate"] = Math.Round(demand, 2), ["latency_p95_ms"] = 120 + (40 * random.NextDouble()) },
                Anomalies = anomaly ? [new AnomalyEvent("request_rate", Math.Round(demand, 2), 6.5, "scale_up_now") { Kind = "spike" }] : [],
                Forecast = held ? null : new ForecastSummary("seasonal", 15, demand * 1.05, demand * 1.25, 0.98, demand * 1.15, "steady"),
                Before = Fleet.Of(("m.large", before)),
                Chosen = Fleet.Of(("m.large", wanted)),
                ChosenHourlyCost = cost,
                Alternatives = held ? [] :
                [
                    new PlanAlternative("keep", Fleet.Of(("m.large", before)), before * PricePerInstanceHour, before * CapacityPerInstance, Math.Max(0, demand - (before * CapacityPerInstance)), "hold the billed fleet"),
                    new PlanAlternative("reactive", Fleet.Of(("m.large", reactive)), reactive * PricePerInstanceHour, reactive * CapacityPerInstance, 0, "target tracking at 70% utilization"),
                    new PlanAlternative("chosen", Fleet.Of(("m.large", wanted)), cost, wanted * CapacityPerInstance, 0, "covers p98 demand"),
                ],
                BilledCapacityRps = before * CapacityPerInstance,
                ReadyCapacityRps = Math.Max(0, before - (i % 7 == 0 ? 1 : 0)) * CapacityPerInstance,
                Strategy = held ? "hold" : anomaly ? "emergency-scale-out" : "cost-optimizer",
                Reason = held ? "no usable request rate from 'synthetic' (Down): holding the fleet" : $"covers p98 demand {demand * 1.15:0.#} rps with {wanted} x m.large",
                Budget = new BudgetStatus(2000, monthSpend, monthSpend * 30 / Math.Max(1, at.Day), "hard", false),
                Held = held,
            };
            await log.AppendAsync(decision, ct);
            reactiveHourly = held ? null : reactive * PricePerInstanceHour;
            count++;
            var isLast = i >= total - 3;
            if (!isLast)
            {
                var changed = wanted != before;
                var status = !changed ? ApplyStatus.NoChange : ++changes % FailedEveryChange == 0 ? ApplyStatus.Failed : ApplyStatus.Applied;
                await log.RecordOutcomeAsync(new DecisionOutcome(decision.Id, at.AddSeconds(2), status, status == ApplyStatus.Failed ? decision.Before : decision.Chosen,
                    Math.Max(0, wanted - before), Math.Max(0, before - wanted), status.ToString()), ct);
                if (status != ApplyStatus.Failed)
                {
                    before = wanted;
                }
            }
        }

        return count;
    }
}
