using Dso.Abstractions.Catalog;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Remembers when the planner's launches happened, per type, reconciled each tick with the billed and ready fleet
/// the cloud reports (the cloud is the truth; this only adds the launch times it does not give). From it come
/// the capacity of the current fleet in each coming row and which instances are still inside their billing minimum.
/// </summary>
internal sealed class BootTracker(TimeSpan bootDelay, TimeSpan billingMinimum)
{
    private readonly Dictionary<string, List<DateTimeOffset>> _launches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastTick;

    public void Update(DateTimeOffset now, Fleet current, Fleet ready)
    {
        var keepFor = bootDelay > billingMinimum ? bootDelay : billingMinimum;
        foreach (var type in current.Counts.Keys.Union(_launches.Keys).ToList())
        {
            var list = _launches.TryGetValue(type, out var l) ? l : _launches[type] = [];
            list.RemoveAll(at => at + keepFor <= now);
            // Removals take booting, newest instances first (as clouds and the evaluator do).
            while (list.Count > current[type])
            {
                list.RemoveAt(list.Count - 1);
            }

            var booting = Math.Max(0, current[type] - ready[type]);
            var tracked = list.Count(at => at + bootDelay > now);
            for (; tracked > booting; tracked--)
            {
                list.RemoveAt(list.FindLastIndex(at => at + bootDelay > now));
            }

            for (; tracked < booting; tracked++)
            {
                // Launched by the previous tick's decision (or, if unknown, just now: the cautious guess).
                list.Add(_lastTick ?? now);
            }

            // A launch that booted within one tick is never seen booting; the billed count growing still shows it.
            var grown = _counts.TryGetValue(type, out var before) ? current[type] - before : 0;
            for (var seen = list.Count(at => at >= (_lastTick ?? now)); seen < grown; seen++)
            {
                list.Add(_lastTick ?? now);
            }

            _counts[type] = current[type];
            list.Sort();
        }

        _lastTick = now;
    }

    /// <summary>Offerings this tracker knows launches or counts of.</summary>
    internal IEnumerable<string> Types => _launches.Keys.Union(_counts.Keys, StringComparer.Ordinal);

    /// <summary>
    /// A tracker for edited boot and billing times keeping the launch times of <paramref name="offerings"/> (the
    /// others, new or redefined, start unknown and are reconciled from the cloud's fleet on the next tick).
    /// </summary>
    public BootTracker CarryTo(TimeSpan boot, TimeSpan billing, IReadOnlySet<string>? offerings)
    {
        var next = new BootTracker(boot, billing) { _lastTick = _lastTick };
        foreach (var (type, list) in _launches.Where(kv => offerings?.Contains(kv.Key) ?? true))
        {
            next._launches[type] = [.. list];
        }

        foreach (var (type, count) in _counts.Where(kv => offerings?.Contains(kv.Key) ?? true))
        {
            next._counts[type] = count;
        }

        return next;
    }

    /// <summary>Capacity of <paramref name="ready"/> plus booting instances, over row k (1-based) of length <paramref name="tick"/>.</summary>
    public double RowCapacity(InstanceCatalog catalog, Fleet ready, DateTimeOffset now, TimeSpan tick, int k)
    {
        var capacity = catalog.Capacity(ready);
        var rowEnd = now + tick * k;
        foreach (var (type, list) in _launches)
        {
            if (!catalog.Contains(type))
            {
                continue;
            }

            foreach (var at in list)
            {
                var readyAt = at + bootDelay;
                if (readyAt > now)
                {
                    capacity += catalog[type].CapacityRps * Math.Clamp((rowEnd - readyAt) / tick, 0, 1);
                }
            }
        }

        return capacity;
    }

    /// <summary>Instances of a type launched less than the billing minimum ago: removing them saves nothing.</summary>
    public int Young(string type, DateTimeOffset now) =>
        _launches.TryGetValue(type, out var list) ? list.Count(at => at + billingMinimum > now) : 0;

    /// <summary>When the latest launch of any type happened, if any is remembered.</summary>
    public DateTimeOffset? LastLaunch => _launches.Values.SelectMany(l => l).DefaultIfEmpty().Max() is var m && m != default ? m : null;

    /// <summary>Writes launch times per offering, in the order this tracker holds them (sums over them keep their order).</summary>
    internal void Save(State.StateWriter w)
    {
        w.Write(_lastTick);
        w.Write(_launches.Count);
        foreach (var (type, list) in _launches)
        {
            w.Write(type);
            w.Write(list.Count);
            foreach (var at in list)
            {
                w.Write(at);
            }
        }

        w.Write(_counts.Count);
        foreach (var (type, count) in _counts)
        {
            w.Write(type);
            w.Write(count);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote (<see cref="CarryTo"/> then keeps the offerings still valid).</summary>
    internal void Load(State.StateReader r)
    {
        _launches.Clear();
        _counts.Clear();
        _lastTick = r.TimeOrNull();
        for (var n = r.Count(MaxOfferings); n > 0; n--)
        {
            var type = r.String();
            var list = new List<DateTimeOffset>();
            for (var k = r.Count(MaxTracked); k > 0; k--)
            {
                list.Add(r.Time());
            }

            _launches[type] = list;
        }

        for (var n = r.Count(MaxOfferings); n > 0; n--)
        {
            _counts[r.String()] = r.Int();
        }
    }

    private const int MaxOfferings = 10_000;
    private const int MaxTracked = 1_000_000;
}
