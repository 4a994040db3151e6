using Dso.Abstractions.Catalog;

namespace Dso.Optimization;

/// <summary>Small fleet computations shared by the planners and the guard.</summary>
public static class FleetMath
{
    /// <summary>The type HPA-style single-shape scaling would use: the smallest type with the best price per request/s.</summary>
    /// <summary>
    /// Instances of <paramref name="capacityRps"/> each needed to serve <paramref name="demand"/> at
    /// <paramref name="utilization"/>, within [<paramref name="min"/>, <paramref name="max"/>]. Clamped while still a
    /// double: a demand of 1e300 must ask for <paramref name="max"/>, not saturate an int into billions of instances.
    /// </summary>
    public static int InstancesFor(double demand, double capacityRps, double utilization, int min, int max)
    {
        var needed = Math.Ceiling((demand / (capacityRps * utilization)) - 1e-9);
        return double.IsNaN(needed) ? min : (int)Math.Clamp(needed, min, Math.Max(min, max));
    }

    public static InstanceType SmallestBestValue(InstanceCatalog catalog) =>
        catalog.Types.OrderBy(t => t.Vcpu).ThenBy(t => t.PricePerRps).First();

    /// <summary>Instances changed between two fleets (launches plus terminations).</summary>
    public static int Churn(Fleet from, Fleet to) =>
        from.Counts.Keys.Union(to.Counts.Keys).Sum(t => Math.Abs(from[t] - to[t]));

    /// <summary>
    /// Moves from <paramref name="current"/> towards <paramref name="target"/> changing at most
    /// <paramref name="maxChanges"/> instances; additions first, because capacity is what the SLO needs.
    /// </summary>
    public static Fleet StepTowards(Fleet current, Fleet target, int maxChanges)
    {
        if (Churn(current, target) <= maxChanges)
        {
            return target;
        }

        var result = current;
        var budget = maxChanges;
        foreach (var type in target.Counts.Keys.Union(current.Counts.Keys).OrderByDescending(t => target[t] - current[t]))
        {
            var delta = target[type] - current[type];
            var move = Math.Sign(delta) * Math.Min(Math.Abs(delta), budget);
            result = result.With(type, current[type] + move);
            budget -= Math.Abs(move);
            if (budget == 0)
            {
                break;
            }
        }

        return result;
    }
}
