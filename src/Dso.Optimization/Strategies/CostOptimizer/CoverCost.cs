using Dso.Abstractions.Catalog;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// The least the fleet program can charge for a whole-instance fleet held over the horizon: its price × hours plus
/// the shortfall penalty for any demand it leaves uncovered, among fleets priced at most a ceiling. A lower bound on
/// what a swap's final fleet costs the solver, tighter than demand × the best price per rps by the rounding to whole
/// instances. The search for a cheaper mix uses it to skip solves that cannot find one (see
/// <see cref="Steps.ConsolidationStep.CheaperCoverExists"/>).
/// </summary>
internal static class CoverCost
{
    /// <summary>Branch-and-bound nodes before giving up (a dozen types stay far below it).</summary>
    internal const int MaxNodes = 20_000;

    /// <summary>
    /// min over whole nₜ ≥ 0 with Σ nₜ·priceₜ ≤ <paramref name="maxPrice"/> of
    /// <paramref name="hours"/>·Σ nₜ·priceₜ + <paramref name="shortfallPerRps"/>·max(0, demand − Σ nₜ·capacityₜ);
    /// +∞ when no fleet is that cheap, and null when the search ran out of nodes (no bound then).
    /// </summary>
    public static double? Min(IReadOnlyList<InstanceType> types, double demand, double maxPrice, double hours, double shortfallPerRps)
    {
        var order = types.Select(t => (Price: (double)t.PricePerHour, Capacity: t.CapacityRps))
            .Where(t => t.Capacity > 0 && t.Price >= 0)
            .OrderBy(t => t.Price / t.Capacity)
            .ThenBy(t => t.Price)
            .ToArray();
        var best = double.PositiveInfinity;
        var nodes = 0;
        Descend(0, Math.Max(0, demand), 0);
        return nodes > MaxNodes ? null : best;

        void Descend(int i, double remaining, double price)
        {
            if (++nodes > MaxNodes || price > maxPrice)
            {
                return;
            }

            var value = (hours * price) + (shortfallPerRps * Math.Max(0, remaining));
            if (remaining <= 0 || i == order.Length)
            {
                best = Math.Min(best, value);
                return;
            }

            // Each remaining rps costs at least the best rate left, or the shortfall penalty if left uncovered.
            var rate = Math.Min(shortfallPerRps, hours * order[i].Price / order[i].Capacity);
            if ((hours * price) + (rate * remaining) >= best)
            {
                return;
            }

            var (unitPrice, capacity) = order[i];
            for (var n = (long)Math.Ceiling(remaining / capacity); n >= 0; n--)
            {
                Descend(i + 1, remaining - (n * capacity), price + (n * unitPrice));
                if (nodes > MaxNodes)
                {
                    return;
                }
            }
        }
    }
}
