using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Cloud.Simulated;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

/// <summary>The spend ledger the loop writes carries the reactive counterfactual: the previous decision's reactive alternative over the same interval.</summary>
public sealed class ServiceLoopSpendTests : IDisposable
{
    private readonly TestTraces _dir = new();
    private readonly DateTimeOffset _start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private static ServicePolicy Policy => DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];

    [Fact]
    public async Task Tick_AfterADecision_RecordsSpendWithThePreviousReactiveAlternativeAsCounterfactual()
    {
        var (time, log, spend, newLoop) = Harness();
        using var _ = log;
        var loop = newLoop();

        for (var i = 0; i < 6; i++)
        {
            await loop.TickAsync(CancellationToken.None);
            time.Set(time.GetUtcNow() + Policy.Tick);
        }

        var decisions = (await log.RecentAsync(Policy.Name, 100, default)).Select(r => r.Decision).OrderBy(d => d.Timestamp).ToList();
        Assert.True(spend.Entries.Count >= 4, $"only {spend.Entries.Count} spend entries");
        var compared = 0;
        foreach (var entry in spend.Entries)
        {
            var previous = decisions.Last(d => d.Timestamp < entry.To);
            var reactive = previous.Alternatives.FirstOrDefault(a => a.Name == "reactive");
            var expected = reactive is null ? entry.Usd : reactive.HourlyCost * (decimal)(entry.To - entry.From).TotalHours;
            Assert.Equal(expected, entry.ReactiveUsd);
            compared += reactive is null ? 0 : 1;
        }

        Assert.True(compared >= 3, "too few entries had a reactive alternative to compare with");
        Assert.Contains(spend.Entries, e => e.ReactiveUsd != e.Usd);
    }

    [Fact]
    public async Task Restart_TheIntervalItWasDown_IsComparedAtTheLastRecordedReactiveRate()
    {
        var (time, log, spend, Loop) = Harness();
        using var _ = log;

        var first = Loop();
        for (var i = 0; i < 6; i++)
        {
            await first.TickAsync(CancellationToken.None);
            time.Set(time.GetUtcNow() + Policy.Tick);
        }

        var last = spend.Entries[^1];
        Assert.NotEqual(last.Usd, last.ReactiveUsd);
        var rate = last.ReactiveUsd!.Value / (decimal)(last.To - last.From).TotalHours;
        // Down for three ticks, then a new process over the same ledger.
        time.Set(time.GetUtcNow() + (Policy.Tick * 3));
        await Loop().TickAsync(CancellationToken.None);
        var down = spend.Entries[^1];
        Assert.Equal(last.To, down.From);
        Assert.Equal(rate * (decimal)(down.To - down.From).TotalHours, down.ReactiveUsd);
    }

    /// <summary>A simulated cloud, a SQLite decision log and a recorded spend ledger; each call of the factory is a new process's loop over them.</summary>
    private (VirtualTimeProvider Time, SqliteDecisionLog Log, RecordingSpend Spend, Func<ServiceLoop> NewLoop) Harness()
    {
        var time = new VirtualTimeProvider(_start);
        var cloud = new SimulatedCloud(time, Path.Combine(_dir.Root, "cloud.json"));
        cloud.EnsureGroup(Policy.ScaleGroup, new SimulatedGroupSettings(Policy.Catalog, Policy.BootDelay, Policy.BillingMinimum, Policy.InitialFleet));
        var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(Path.Combine(_dir.Root, "d.db")));
        var spend = new RecordingSpend();
        return (time, log, spend, () => new ServiceLoop(Policy, "test", new ServiceLoopDependencies
        {
            Source = new RisingSource(time, _start),
            Cloud = cloud,
            Log = log,
            Spend = spend,
            Strategy = Plugins.Strategies.Get(Policy.Strategy.Name),
            Time = time,
        }));
    }

    public void Dispose() => _dir.Dispose();

    private sealed class RecordingSpend : ISpendLog
    {
        public List<SpendEntry> Entries { get; } = [];

        public Task RecordSpendAsync(SpendEntry entry, CancellationToken cancellationToken)
        {
            Entries.Add(entry);
            return Task.CompletedTask;
        }

        public Task<SpendTotal> SpendSinceAsync(string service, string? target, DateTimeOffset since, CancellationToken cancellationToken) =>
            Task.FromResult(new SpendTotal(Entries.Where(e => e.To >= since).Sum(e => e.Usd), Entries.LastOrDefault()));
    }

    /// <summary>Demand that grows each tick, so the reactive alternative and the chosen fleet differ.</summary>
    private sealed class RisingSource(TimeProvider time, DateTimeOffset start) : IMetricSource
    {
        public string Name => "rising";

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(new KpiReading(now.AddSeconds(-30), new Dictionary<string, double>
            {
                [KpiNames.RequestRate] = 800 + (400 * (time.GetUtcNow() - start).TotalMinutes / Policy.Tick.TotalMinutes),
            }, SourceHealth.Healthy));
    }
}
