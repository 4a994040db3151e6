using System.Collections.Frozen;

namespace Dso.Abstractions.Catalog;

/// <summary>
/// The instance types a service may use, by name. On-demand types are <see cref="Types"/>; spot offerings
/// (entries with <see cref="InstanceType.SpotOf"/>) are only in <see cref="Offerings"/>, so everything that
/// sizes a single-shape fleet (target tracking, the reactive shadow, the guard's floor) never picks spot by accident.
/// </summary>
public sealed class InstanceCatalog
{
    private readonly FrozenDictionary<string, InstanceType> _byName;

    public InstanceCatalog(IEnumerable<InstanceType> types)
    {
        Offerings = types.ToArray();
        Types = [.. Offerings.Where(t => !t.IsSpot)];
        Spot = [.. Offerings.Where(t => t.IsSpot)];
        _byName = Offerings.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>On-demand types.</summary>
    public IReadOnlyList<InstanceType> Types { get; }

    /// <summary>Spot offerings (empty unless the policy allows spot).</summary>
    public IReadOnlyList<InstanceType> Spot { get; }

    /// <summary>On-demand types then spot offerings: everything a fleet may hold.</summary>
    public IReadOnlyList<InstanceType> Offerings { get; }

    public InstanceType this[string name] => _byName.TryGetValue(name, out var type)
        ? type
        : throw new KeyNotFoundException($"instance type '{name}' is not in the catalog (known: {string.Join(", ", _byName.Keys)})");

    public bool Contains(string name) => _byName.ContainsKey(name);

    public double Capacity(Fleet fleet)
    {
        var total = 0.0;
        foreach (var (name, count) in fleet.Counts)
        {
            total += this[name].CapacityRps * count;
        }

        return total;
    }

    public decimal HourlyCost(Fleet fleet)
    {
        var total = 0m;
        foreach (var (name, count) in fleet.Counts)
        {
            total += this[name].PricePerHour * count;
        }

        return total;
    }

    /// <summary>Capacity of the fleet's spot instances.</summary>
    public double SpotCapacity(Fleet fleet) => fleet.Counts.Where(kv => this[kv.Key].IsSpot).Sum(kv => this[kv.Key].CapacityRps * kv.Value);

    /// <summary>On-demand instances in the fleet.</summary>
    public int OnDemandCount(Fleet fleet) => fleet.Counts.Where(kv => !this[kv.Key].IsSpot).Sum(kv => kv.Value);
}
