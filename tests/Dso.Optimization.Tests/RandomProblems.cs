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

    /// <summary>
    /// Adds spot offerings of some of the problem's types (cheaper, interrupted at up to 30 %/h), a share in tenths
    /// and an on-demand floor; the current fleet may hold spot too.
    /// </summary>
    public static FleetProblem WithSpot(Random random, FleetProblem problem, int maxCurrent, int spotTypes = 1)
    {
        var baseTypes = problem.Types.Where(t => !t.IsSpot).ToList();
        var spot = Enumerable.Range(0, spotTypes)
            .Select(i => baseTypes[i % baseTypes.Count])
            .DistinctBy(t => t.Name)
            .Select(t => t.Spot(Math.Round(t.PricePerHour * (decimal)(0.25 + random.NextDouble() * 0.5), 4), random.NextDouble() * 0.3))
            .ToList();
        var types = problem.Types.Concat(spot).ToList();
        var current = problem.Current.Concat(spot.Select(_ => random.Next(0, maxCurrent + 1))).ToArray();
        var hours = problem.HorizonHours + problem.LaunchOverheadHours;
        var availability = types.Select(t => t.Survival(hours)).ToArray();
        var spotCapacity = spot.Select((t, i) => current[problem.TypeCount + i] * t.CapacityRps * availability[problem.TypeCount + i]).Sum();
        return problem with
        {
            Types = types,
            Current = current,
            KeepCapacity = [.. problem.KeepCapacity.Select(k => k + spotCapacity)],
            MaxRemove = [.. problem.MaxRemove, .. current.Skip(problem.TypeCount).Select(c => random.Next(0, 4) == 0 ? 0 : c)],
            MaxInstances = problem.MaxInstances == 100 ? 100 : current.Sum() + random.Next(0, 3),
            Spot = new SpotTerms
            {
                IsSpot = [.. types.Select(t => t.IsSpot)],
                Availability = availability,
                MaxShare = random.Next(0, 11) / 10.0,
                OnDemandMin = random.Next(0, 3),
            },
        };
    }

    /// <summary>Adds a serverless offload with a random limit and price (sometimes dearer than shortfall, sometimes capped at 5 % of demand).</summary>
    public static FleetProblem WithServerless(Random random, FleetProblem problem)
    {
        var rowHours = random.Next(1, 16) / 60.0;
        var usd = random.Next(0, 6) == 0 ? problem.ShortfallUsdPerRps / rowHours * 2 : 0.001 + random.NextDouble() * 0.01;
        return problem with
        {
            Serverless = new ServerlessTerms
            {
                RpsLimit = random.Next(0, 4) == 0 ? 0 : Math.Round(random.NextDouble() * 400, 1),
                UsdPerRpsHour = usd,
                RowHours = rowHours,
                MaxDemandShare = random.Next(0, 3) == 0 ? ServerlessTerms.ColdStartDemandShare : null,
            },
        };
    }
}
