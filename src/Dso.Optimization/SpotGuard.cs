using Dso.Abstractions.Catalog;
using Dso.Policies.Model;

namespace Dso.Optimization;

/// <summary>
/// The guard's spot checks: at most <see cref="SpotPolicy.MaxShare"/> of the capacity on spot and at least
/// <see cref="SpotPolicy.OnDemandMin"/> on-demand instances. A violation is repaired by running a spot instance on
/// demand instead (same capacity, so the SLO is kept), or, where a spend limit leaves no room, by removing spot.
/// </summary>
internal static class SpotGuard
{
    /// <summary>Swaps spot instances for on-demand ones of the same type until share and floor hold.</summary>
    public static Fleet Convert(Fleet fleet, InstanceCatalog catalog, SpotPolicy spot, List<string> notes)
    {
        var converted = 0;
        while (Breaks(fleet, catalog, spot) && LargestSpot(fleet, catalog) is { } victim)
        {
            fleet = fleet.With(victim.Name, fleet[victim.Name] - 1).With(victim.SpotOf!, fleet[victim.SpotOf!] + 1);
            converted++;
        }

        var cheapest = catalog.Types.OrderBy(t => t.PricePerHour).First();
        var added = Math.Max(0, spot.OnDemandMin - catalog.OnDemandCount(fleet));
        fleet = fleet.With(cheapest.Name, fleet[cheapest.Name] + added);
        if (converted > 0 || added > 0)
        {
            notes.Add($"spot share {spot.MaxShare:0.##} / on-demand floor {spot.OnDemandMin} kept ({converted} spot run on demand instead, {added} on-demand added)");
        }

        return fleet;
    }

    /// <summary>Removes spot instances while the share is exceeded (after a spend limit trimmed on-demand ones).</summary>
    public static Fleet TrimShare(Fleet fleet, InstanceCatalog catalog, SpotPolicy spot, List<string> notes)
    {
        var removed = 0;
        while (ShareExceeded(fleet, catalog, spot) && LargestSpot(fleet, catalog) is { } victim)
        {
            fleet = fleet.With(victim.Name, fleet[victim.Name] - 1);
            removed++;
        }

        if (removed > 0)
        {
            notes.Add($"removed {removed} spot to keep the spot share at most {spot.MaxShare:0.##}");
        }

        if (catalog.OnDemandCount(fleet) < spot.OnDemandMin)
        {
            notes.Add($"on-demand floor {spot.OnDemandMin} not met within the spend limits");
        }

        return fleet;
    }

    public static bool ShareExceeded(Fleet fleet, InstanceCatalog catalog, SpotPolicy spot) =>
        catalog.SpotCapacity(fleet) > (spot.MaxShare * catalog.Capacity(fleet)) + 1e-9;

    private static bool Breaks(Fleet fleet, InstanceCatalog catalog, SpotPolicy spot) =>
        ShareExceeded(fleet, catalog, spot) || catalog.OnDemandCount(fleet) < spot.OnDemandMin;

    private static InstanceType? LargestSpot(Fleet fleet, InstanceCatalog catalog) =>
        fleet.Counts.Keys.Select(n => catalog[n]).Where(t => t.IsSpot).OrderByDescending(t => t.CapacityRps).ThenBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault();
}
