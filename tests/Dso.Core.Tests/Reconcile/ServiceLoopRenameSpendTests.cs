using Dso.Abstractions.Catalog;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Cloud.Simulated;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

/// <summary>
/// A service renamed in its policy (same provider, same scale group: the same group is billed) keeps its hard budget:
/// the new name's month-to-date spend starts from the old name's, whether the rename arrives in a live reload (the
/// registry drops the old name's loop and starts one for the new name on the same store) or while the controller is
/// down. Demand asks for far more than the budget pays, so a loop that forgot the old name's spend would spend the
/// budget a second time.
/// </summary>
public sealed class ServiceLoopRenameSpendTests : IDisposable
{
    private const decimal Budget = 6m;
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = Start.AddHours(4);
    private static readonly TimeSpan Renamed = TimeSpan.FromHours(2);

    private readonly TestTraces _dir = new();

    private static ServicePolicy Old => DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0] with
    {
        Budget = new BudgetPolicy(Budget, BudgetEnforcement.Hard),
        InitialFleet = Fleet.Of(("c7g.large", 2)),
    };

    private static ServicePolicy New => Old with { Name = "storefront" };

    private string LogPath => Path.Combine(_dir.Root, "decisions.db");

    [Fact]
    public async Task Rename_OnReload_NewNameCountsTheOldNamesSpendAndTheHardBudgetHolds()
    {
        var time = new VirtualTimeProvider(Start);
        var cloud = NewCloud(time);
        using var store = new SqliteDecisionLog(new SqliteDecisionLogOptions(LogPath));
        await RunAsync(Loop(Old, time, cloud, store), time, Start + Renamed);
        var oldSpend = (await store.SpendSinceAsync(Old.Name, null, Start, default)).Usd;

        var first = await RunAsync(Loop(New, time, cloud, store), time, End);

        await AssertCarriedOverAndWithinBudgetAsync(store, oldSpend, first);
    }

    [Fact]
    public async Task Rename_WhileDown_NewNameCountsTheOldNamesSpendAndDowntimeAndTheHardBudgetHolds()
    {
        var time = new VirtualTimeProvider(Start);
        var cloud = NewCloud(time);
        decimal oldSpend;
        using (var store = new SqliteDecisionLog(new SqliteDecisionLogOptions(LogPath)))
        {
            await RunAsync(Loop(Old, time, cloud, store), time, Start + Renamed);
            oldSpend = (await store.SpendSinceAsync(Old.Name, null, Start, default)).Usd;
        }

        // The controller is down for ten minutes (the group keeps running and billing) and comes back with the rename.
        time.Set(time.GetUtcNow() + TimeSpan.FromMinutes(10));
        using var reopened = new SqliteDecisionLog(new SqliteDecisionLogOptions(LogPath));
        var first = await RunAsync(Loop(New, time, cloud, reopened), time, End);

        await AssertCarriedOverAndWithinBudgetAsync(reopened, oldSpend, first);
        // The new name's ledger continues from the old name's last entry, so the downtime is billed (at the running
        // fleet's rate, at least the two-instance floor) and no interval of the period goes uncounted.
        var downtimeAtFloor = 2 * 0.0725m * 10 / 60;
        Assert.True(first.SpentUsd - oldSpend >= downtimeAtFloor, $"the ten minutes down were not billed ({first.SpentUsd} after {oldSpend})");
    }

    public void Dispose() => _dir.Dispose();

    private static async Task AssertCarriedOverAndWithinBudgetAsync(SqliteDecisionLog store, decimal oldSpend, TickResult first)
    {
        Assert.True(oldSpend > Budget * 0.3m, $"the old name spent only {oldSpend} of {Budget}: too little for the test to mean anything");

        // The new name's first decision already counts what the old name spent on the group this period.
        Assert.True(first.SpentUsd >= oldSpend, $"'{New.Name}' started at {first.SpentUsd} USD month-to-date; '{Old.Name}' had spent {oldSpend} on the same scale group");
        Assert.True(first.Decision.Budget!.MonthToDateUsd >= decimal.Round(oldSpend, 4));
        Assert.Contains($"'{Old.Name}'", first.SpendCarriedOver);
        Assert.Contains($"'{New.Name}'", first.SpendCarriedOver);
        // An analyst sees it in the new name's events too.
        var carried = Assert.Single(await store.EventsAsync(New.Name, ServiceLoop.SpendCarriedOverEvent, null, null, 10, default));
        Assert.Contains($"'{Old.Name}'", carried.Message);

        // What both names recorded on the group over the period (showback's per-name rows, which do not overlap) stays within the hard budget.
        var days = await store.SpendByDayAsync(Start, End.AddDays(1), default);
        var total = days.Sum(d => d.SpentUsd);
        Assert.True(total <= Budget, $"the scale group's spend reached {total} USD against a hard budget of {Budget} ({string.Join(", ", days.Select(d => $"{d.Service} {d.SpentUsd}"))})");
        Assert.Equal([Old.Name, New.Name], days.Select(d => d.Service).Distinct().Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>Ticks the loop once per policy tick until <paramref name="until"/>; returns the first tick's result.</summary>
    private static async Task<TickResult> RunAsync(ServiceLoop loop, VirtualTimeProvider time, DateTimeOffset until)
    {
        TickResult? first = null;
        while (time.GetUtcNow() < until)
        {
            var result = await loop.TickAsync(CancellationToken.None);
            Assert.Null(result.Failure);
            first ??= result;
            time.Set(time.GetUtcNow() + Old.Tick);
        }

        return first!;
    }

    private static SimulatedCloud NewCloud(TimeProvider time)
    {
        var cloud = new SimulatedCloud(time);
        cloud.EnsureGroup(Old.ScaleGroup, new SimulatedGroupSettings(Old.Catalog, Old.BootDelay, Old.BillingMinimum, Old.InitialFleet));
        return cloud;
    }

    private static ServiceLoop Loop(ServicePolicy policy, TimeProvider time, SimulatedCloud cloud, SqliteDecisionLog store) => new(policy, "test", new ServiceLoopDependencies
    {
        Source = new SteadySource(),
        Cloud = cloud,
        Log = store,
        Strategy = Plugins.Strategies.Get(policy.Strategy.Name),
        Time = time,
        BudgetPeriod = (_, budget) => (Start, End, budget),
    });

    /// <summary>Demand that would need about 5 USD an hour of instances: far above what 6 USD over four hours pays.</summary>
    private sealed class SteadySource : IMetricSource
    {
        public string Name => "steady";

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(new KpiReading(now.AddSeconds(-30), new Dictionary<string, double> { [KpiNames.RequestRate] = 7500 }, SourceHealth.Healthy));
    }
}
