using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>Seeded generators for catalogs and fleet programs (FsCheck is not referenced; seeds make failures replayable).</summary>
internal static class RandomProblems
{
    public static InstanceCatalog Catalog(Random random, int types)
    {
        var list = new List<InstanceType>();
        for (var t = 0; t < types; t++)
        {
            var size = 1 << random.Next(0, 3);
            var capacity = Math.Round(size * (80 + random.NextDouble() * 60), 1);
            var price = Math.Round((decimal)(size * (0.05 + random.NextDouble() * 0.05)), 4);
            list.Add(new InstanceType($"t{t}.s{size}", 2 * size, 4 * size, price, capacity));
        }

        return new InstanceCatalog(list);
    }

    public static FleetProblem Problem(Random random, int types, int maxCurrent)
    {
        var catalog = Catalog(random, types);
        var rows = random.Next(1, 4);
        var current = Enumerable.Range(0, types).Select(_ => random.Next(0, maxCurrent + 1)).ToArray();
        var currentCapacity = current.Select((c, t) => c * catalog.Types[t].CapacityRps).Sum();
        var scale = Math.Max(currentCapacity, 150);
        var fractions = Enumerable.Range(1, rows).Select(k => k == rows ? 1.0 : random.Next(0, 3) * 0.5).ToArray();
        var demand = Enumerable.Range(0, rows).Select(_ => random.NextDouble() * 1.6 * scale).ToArray();
        var minimum = random.Next(0, 3);
        decimal? cap = random.Next(0, 3) == 0 ? Math.Round((decimal)(random.NextDouble() * 1.2), 3) : null;
        return new FleetProblem
        {
            Types = catalog.Types,
            Current = current,
            KeepCapacity = [.. Enumerable.Range(0, rows).Select(k => currentCapacity * (fractions[k] < 1 ? random.NextDouble() * 0.5 + 0.5 : 1))],
            LaunchFraction = fractions,
            RowDemand = demand,
            SteadyDemand = demand[^1],
            AllowAdd = random.Next(0, 5) != 0,
            AllowRemove = random.Next(0, 5) != 0,
            MaxRemove = [.. current.Select(c => random.Next(0, 4) == 0 ? 0 : c)],
            MinInstances = minimum,
            MaxInstances = random.Next(0, 4) == 0 ? current.Sum() + random.Next(0, 3) : 100,
            MaxChanges = random.Next(0, 3) == 0 ? random.Next(1, 4) : int.MaxValue,
            MaxHourlyUsd = cap,
            HorizonHours = 1,
            LaunchOverheadHours = random.NextDouble() * 0.1,
            OverlapHours = random.NextDouble() * 0.1,
            ShortfallUsdPerRps = 0.02 + random.NextDouble() * 0.05,
        };
    }
}
