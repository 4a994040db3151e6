using Dso.Abstractions.Catalog;
using YamlDotNet.RepresentationModel;

namespace Dso.Policies.Loading;

/// <summary>
/// Reads <c>instance_types</c>, each with its optional spot terms, and builds the catalog once the service's
/// <c>spot:</c> section says which spot offerings it may use.
/// </summary>
internal static class CatalogReader
{
    /// <summary>Interruptions per instance-hour assumed when a type gives a spot price but no rate (5 %/h).</summary>
    public const double DefaultSpotInterruptionPerHour = 0.05;

    /// <summary>An on-demand type with its spot price and interruption rate, when it has one.</summary>
    public sealed record TypeEntry(InstanceType Type, decimal? SpotPricePerHour, double SpotInterruptionPerHour);

    /// <param name="r">The service's mapping.</param>
    /// <param name="rejected">
    /// The names of entries rejected for another field (a name no valid entry has): the checks that refer to a type by
    /// name (initial_fleet, spot.types, provider.groups) pass over these, so one bad price is reported once, at the
    /// price, and not again as an "unknown instance type" wherever the type is named.
    /// </param>
    public static List<TypeEntry>? ReadTypes(MappingReader r, out HashSet<string> rejected)
    {
        rejected = new HashSet<string>(StringComparer.Ordinal);
        var list = r.Sequence("instance_types", required: true);
        if (list is null)
        {
            return null;
        }

        var types = new List<TypeEntry>();
        var index = 0;
        foreach (var item in list)
        {
            index++;
            if (item is not YamlMappingNode map)
            {
                r.Error(item, "instance_types", "each entry must be a mapping with name, price_per_hour and capacity_rps");
                continue;
            }

            var t = r.Child(map, $"instance_types[{index - 1}].");
            var typeName = t.String("name", required: true);
            if (typeName is not null)
            {
                rejected.Add(typeName);
            }

            var vcpu = t.Integer("vcpu", min: 1, max: 100_000) ?? 1;
            var memory = t.Number("memory_gib", min: 0, max: 1_000_000) ?? 0;
            var price = t.Money("price_per_hour", required: true);
            var capacity = t.Number("capacity_rps", required: true, min: 0, exclusiveMin: true, max: 10_000_000);
            var spotPrice = t.Money("spot_price_per_hour");
            var interruption = t.Number("spot_interruption_per_hour", min: 0, max: 3600);
            if (interruption is not null && spotPrice is null && t.Raw("spot_price_per_hour") is null)
            {
                t.Error(t.Raw("spot_interruption_per_hour")!, "spot_interruption_per_hour", "is only meaningful with spot_price_per_hour");
            }

            t.RejectUnknownKeys();
            if (typeName is not null && (types.Any(x => x.Type.Name == typeName) || typeName.EndsWith(InstanceType.SpotSuffix, StringComparison.Ordinal)))
            {
                t.Error(map, "name", typeName.EndsWith(InstanceType.SpotSuffix, StringComparison.Ordinal)
                    ? $"'{typeName}' ends in '{InstanceType.SpotSuffix}', which names spot offerings (give spot_price_per_hour instead)"
                    : $"instance type '{typeName}' is listed twice");
            }
            else if (typeName is not null && InstanceType.NameProblem(typeName) is { } problem)
            {
                t.Error(t.Raw("name")!, "name", problem);
            }
            else if (typeName is not null && price is not null && capacity is not null)
            {
                types.Add(new TypeEntry(new InstanceType(typeName, vcpu, memory, price.Value, capacity.Value), spotPrice, interruption ?? DefaultSpotInterruptionPerHour));
            }
        }

        if (list.Children.Count == 0)
        {
            r.Error(list, "instance_types", "must list at least one instance type");
        }

        rejected.ExceptWith(types.Select(e => e.Type.Name));
        return types.Count > 0 ? types : null;
    }

    /// <summary>The on-demand types, plus a <c>type/spot</c> offering for each type the spot section allows.</summary>
    public static InstanceCatalog Build(IReadOnlyList<TypeEntry> types, OfferingReader.SpotTerms? spot)
    {
        var offerings = types.Select(e => e.Type).ToList();
        if (spot is not null)
        {
            offerings.AddRange(types
                .Where(e => e.SpotPricePerHour is not null && spot.Types.Contains(e.Type.Name))
                .Select(e => e.Type.Spot(e.SpotPricePerHour!.Value, e.SpotInterruptionPerHour)));
        }

        return new InstanceCatalog(offerings);
    }
}
