using Dso.Abstractions.Catalog;

namespace Dso.Cloud.Simulated;

/// <summary>
/// The state of one simulated scale group, with the same semantics as the evaluator's cloud: removal stops
/// booting and newest instances first, at once; billing is per second with a minimum per launch. A spot instance
/// draws its interruption time at launch (exponential at its type's rate, from the group's seeded generator) and
/// is billed only until then; requests routed to serverless are billed per request and GB-second.
/// </summary>
internal sealed class SimulatedGroup(SimulatedGroupSettings settings)
{
    private readonly Random _interruptions = new(settings.InterruptionSeed);
    private DateTimeOffset _serverlessSince;

    public SimulatedGroupSettings Settings { get; } = settings;

    /// <summary>Requests/s routed to the serverless offering since the last apply that set it.</summary>
    public double ServerlessRps { get; private set; }

    /// <summary>Serverless spend before the current routing began.</summary>
    public decimal ServerlessCostUsd { get; set; }

    /// <summary>Spot instances reclaimed so far.</summary>
    public int Interrupted { get; private set; }

    public List<SimulatedInstance> Instances { get; } = [];

    public string? LastAppliedKey { get; set; }

    /// <summary>Cost of instances already stopped; running ones are added on demand.</summary>
    public decimal StoppedCostUsd { get; set; }

    public Fleet Fleet() => Count(_ => true);

    public Fleet Ready(DateTimeOffset now) => Count(i => i.ReadyAt <= now);

    /// <summary>Applies done, oldest first, bounded.</summary>
    public List<AppliedCall> Calls { get; } = [];

    public void Record(AppliedCall call)
    {
        Calls.Add(call);
        if (Calls.Count > MaxCalls)
        {
            Calls.RemoveRange(0, Calls.Count - MaxCalls);
        }
    }

    private const int MaxCalls = 10_000;

    /// <summary>Launches and stops towards <paramref name="desired"/>; launches stop where <paramref name="available"/> runs out.</summary>
    public (int Launched, int Terminated, Dictionary<string, int> ShortBy) Converge(Fleet desired, DateTimeOffset now, Func<string, int> available)
    {
        var launched = 0;
        var terminated = 0;
        var shortBy = new Dictionary<string, int>(StringComparer.Ordinal);
        var current = Fleet();
        foreach (var type in current.Counts.Keys.Union(desired.Counts.Keys).ToArray())
        {
            var have = current[type];
            var want = desired[type];
            var room = available(type);
            if (want - have > room)
            {
                shortBy[type] = want - have - room;
                want = have + room;
            }

            for (var k = have; k < want; k++)
            {
                Instances.Add(new SimulatedInstance(type, now, now + Settings.BootDelay) { InterruptAt = DrawInterruption(type, now) });
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

        return (launched, terminated, shortBy);
    }

    public decimal CostUntil(DateTimeOffset now) => StoppedCostUsd + Instances.Sum(i => Bill(i, now)) + ServerlessCostUntil(now);

    /// <summary>Serverless spend so far: requests routed times the price per request (fee plus GB-seconds).</summary>
    public decimal ServerlessCostUntil(DateTimeOffset now) =>
        ServerlessCostUsd + (Settings.Serverless is { } s && now > _serverlessSince ? s.HourlyCost(ServerlessRps) * (decimal)(now - _serverlessSince).TotalHours : 0m);

    /// <summary>Routes <paramref name="rps"/> to serverless from now on (0 stops routing); false when nothing changed.</summary>
    public bool Route(double rps, DateTimeOffset now)
    {
        rps = Settings.Serverless is { } s ? Math.Clamp(rps, 0, s.RpsLimit) : 0;
        if (rps == ServerlessRps)
        {
            return false;
        }

        ServerlessCostUsd = ServerlessCostUntil(now);
        _serverlessSince = now;
        ServerlessRps = rps;
        return true;
    }

    /// <summary>Removes spot instances whose interruption time has come, billing them up to it.</summary>
    public void Interrupt(DateTimeOffset now)
    {
        for (var i = Instances.Count - 1; i >= 0; i--)
        {
            if (Instances[i].InterruptAt is { } at && at <= now)
            {
                StoppedCostUsd += Bill(Instances[i], at);
                Instances.RemoveAt(i);
                Interrupted++;
            }
        }
    }

    /// <summary>Capacity serving during [start, end), pro rata for instances that become ready inside it.</summary>
    public double ServingCapacity(DateTimeOffset start, DateTimeOffset end)
    {
        var span = (end - start).TotalSeconds;
        var capacity = 0.0;
        foreach (var instance in Instances)
        {
            var rps = Settings.Catalog[instance.Type].CapacityRps;
            if (instance.InterruptAt is { } at && at < end)
            {
                // Reclaimed inside the interval: it served from ready (or start) until the interruption.
                var from = instance.ReadyAt > start ? instance.ReadyAt : start;
                capacity += span > 0 && at > from ? rps * (at - from).TotalSeconds / span : 0;
            }
            else if (instance.ReadyAt <= start)
            {
                capacity += rps;
            }
            else if (instance.ReadyAt < end && span > 0)
            {
                capacity += rps * (end - instance.ReadyAt).TotalSeconds / span;
            }
        }

        return capacity + ServerlessRps;
    }

    private DateTimeOffset? DrawInterruption(string type, DateTimeOffset now)
    {
        var offering = Settings.Catalog[type];
        if (!offering.IsSpot || offering.InterruptionPerHour <= 0)
        {
            return null;
        }

        // Exponential waiting time of a Poisson process at the type's rate; 1 - U keeps the logarithm finite.
        var hours = -Math.Log(1 - _interruptions.NextDouble()) / offering.InterruptionPerHour;
        return now + TimeSpan.FromHours(Math.Min(hours, 24 * 365));
    }

    private decimal Bill(SimulatedInstance instance, DateTimeOffset until)
    {
        var seconds = Math.Max((until - instance.LaunchedAt).TotalSeconds, Settings.BillingMinimum.TotalSeconds);
        return (decimal)seconds / 3600m * Settings.Catalog[instance.Type].PricePerHour;
    }

    private Fleet Count(Func<SimulatedInstance, bool> predicate) =>
        Abstractions.Catalog.Fleet.Of(Instances.Where(predicate).GroupBy(i => i.Type).Select(g => new KeyValuePair<string, int>(g.Key, g.Count())));
}
