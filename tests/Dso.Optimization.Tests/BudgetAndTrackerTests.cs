using Dso.Abstractions.Catalog;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

public sealed class BudgetAndTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PacedAllowance_NeverBelowFlat_AndKeepsBudgetWithReserve()
    {
        var random = new Random(3);
        for (var i = 0; i < 2000; i++)
        {
            var window = new BudgetWindow(Start, Start.AddDays(30), Math.Round((decimal)(random.NextDouble() * 1000), 2), Math.Round((decimal)(random.NextDouble() * 500), 2), true);
            var now = Start.AddHours(random.NextDouble() * 720);
            var pace = new BudgetPace(Math.Round((decimal)random.NextDouble(), 3) + 0.001m, Math.Round((decimal)random.NextDouble(), 3));
            var allowed = window.AffordableHourlyUsd(now, pace);
            Assert.True(allowed >= window.AffordableHourlyUsd(now));
            var left = (decimal)Math.Max((window.End - now).TotalHours, 1.0 / 60);
            var hold = Math.Min(pace.HoldHours, left);
            if (allowed > window.AffordableHourlyUsd(now))
            {
                Assert.True(window.SpentUsd + allowed * hold + pace.ReserveHourlyUsd * (left - hold) <= window.BudgetUsd + 0.0000001m, $"case {i}");
            }
        }
    }

    [Fact]
    public void BootTracker_CountsBootingInstancesProRata()
    {
        var catalog = new InstanceCatalog([new InstanceType("a", 2, 4, 0.1m, 100)]);
        var tracker = new BootTracker(TimeSpan.FromMinutes(4), TimeSpan.FromSeconds(60));
        var tick = TimeSpan.FromMinutes(1);
        tracker.Update(Start, Fleet.Of(("a", 2)), Fleet.Of(("a", 2)));
        // The decision at Start launched two more: at the next tick they are billed but not ready.
        var now = Start + tick;
        tracker.Update(now, Fleet.Of(("a", 4)), Fleet.Of(("a", 2)));
        Assert.Equal(200, tracker.RowCapacity(catalog, Fleet.Of(("a", 2)), now, tick, 1), 6);
        Assert.Equal(200, tracker.RowCapacity(catalog, Fleet.Of(("a", 2)), now, tick, 3), 6);
        Assert.Equal(400, tracker.RowCapacity(catalog, Fleet.Of(("a", 2)), now, tick, 4), 6);
    }

    [Fact]
    public void Options_RejectNonsense()
    {
        Assert.Throws<ArgumentException>(() => CostOptimizerOptions.From(new StrategyPolicy("cost-optimizer", new Dictionary<string, double> { ["coverage_quantile"] = 1.2 })));
        Assert.Throws<ArgumentException>(() => CostOptimizerOptions.From(new StrategyPolicy("cost-optimizer", new Dictionary<string, double> { ["horizon"] = 0 })));
        Assert.Equal(CostOptimizerOptions.DefaultCoverageQuantile, CostOptimizerOptions.From(new StrategyPolicy("cost-optimizer", new Dictionary<string, double>())).CoverageQuantile);
    }

    [Fact]
    public void Registry_KnowsCostOptimizer() =>
        Assert.Contains(CostOptimizerStrategy.StrategyName, StrategyRegistry.CreateDefault().Names);
}
