using System.Collections.Frozen;

namespace Dso.Abstractions.Catalog;

/// <summary>The instance types a service may use, by name.</summary>
public sealed class InstanceCatalog
{
    private readonly FrozenDictionary<string, InstanceType> _byName;

    public InstanceCatalog(IEnumerable<InstanceType> types)
    {
        Types = types.ToArray();
        _byName = Types.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<InstanceType> Types { get; }

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
}
