using Dso.Abstractions.Catalog;

namespace Dso.Cloud.Simulated;

/// <summary>
/// The state of one simulated scale group, with the same semantics as the evaluator's cloud: removal stops
/// booting and newest instances first, at once; billing is per second with a minimum per launch.
/// </summary>
internal sealed class SimulatedGroup(SimulatedGroupSettings settings)
{
    public SimulatedGroupSettings Settings { get; } = settings;

    public List<SimulatedInstance> Instances { get; } = [];

    public string? LastAppliedKey { get; set; }

    /// <summary>Cost of instances already stopped; running ones are added on demand.</summary>
    public decimal StoppedCostUsd { get; set; }

    public Fleet Fleet() => Count(_ => true);

    public Fleet Ready(DateTimeOffset now) => Count(i => i.ReadyAt <= now);

    public (int Launched, int Terminated) Converge(Fleet desired, DateTimeOffset now)
    {
        var launched = 0;
        var terminated = 0;
        var current = Fleet();
        foreach (var type in current.Counts.Keys.Union(desired.Counts.Keys).ToArray())
        {
            var have = current[type];
            var want = desired[type];
            for (var k = have; k < want; k++)
            {
                Instances.Add(new SimulatedInstance(type, now, now + Settings.BootDelay));
                launched++;
            }

            if (want < have)
            {
                var victims = Instances.Where(i => i.Type == type)
                    .OrderByDescending(i => i.ReadyAt).ThenByDescending(i => i.LaunchedAt)
                    .Take(have - want).ToList();
                foreach (var victim in victims)
                {
                    StoppedCostUsd += Bill(victim, now);
                    Instances.Remove(victim);
                    terminated++;
                }
            }
        }

        return (launched, terminated);
    }

    public decimal CostUntil(DateTimeOffset now) => StoppedCostUsd + Instances.Sum(i => Bill(i, now));

    /// <summary>Capacity serving during [start, end), pro rata for instances that become ready inside it.</summary>
    public double ServingCapacity(DateTimeOffset start, DateTimeOffset end)
    {
        var span = (end - start).TotalSeconds;
        var capacity = 0.0;
        foreach (var instance in Instances)
        {
            var rps = Settings.Catalog[instance.Type].CapacityRps;
            if (instance.ReadyAt <= start)
            {
                capacity += rps;
            }
            else if (instance.ReadyAt < end && span > 0)
            {
                capacity += rps * (end - instance.ReadyAt).TotalSeconds / span;
            }
        }

        return capacity;
    }

    private decimal Bill(SimulatedInstance instance, DateTimeOffset until)
    {
        var seconds = Math.Max((until - instance.LaunchedAt).TotalSeconds, Settings.BillingMinimum.TotalSeconds);
        return (decimal)seconds / 3600m * Settings.Catalog[instance.Type].PricePerHour;
    }

    private Fleet Count(Func<SimulatedInstance, bool> predicate) =>
        Abstractions.Catalog.Fleet.Of(Instances.Where(predicate).GroupBy(i => i.Type).Select(g => new KeyValuePair<string, int>(g.Key, g.Count())));
}
