using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Cloud.Resilience;
using Dso.Cloud.Simulated;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;
using Dso.Testing;

namespace Dso.Core.Tests.Reconcile;

/// <summary>One guarded path, durable spend, and every cloud fault turned into a logged outcome.</summary>
public sealed class ServiceLoopFaultTests : IDisposable
{
    private readonly TestTraces _dir = new();
    private readonly DateTimeOffset _start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private static ServicePolicy Default => DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];

    [Fact]
    public async Task Hold_FallbackAboveMaxInstances_IsCappedByTheGuardAndSaysSo()
    {
        var policy = Default with
        {
            Metrics = Default.Metrics with { FallbackInstances = 40 },
            Limits = Default.Limits with { MaxInstances = 10 },
        };
        var (loop, cloud, log, time) = Build(policy, new StepSource(_ => double.NaN));

        time.Set(_start.AddMinutes(1));
        var result = await loop.TickAsync(CancellationToken.None);

        Assert.True(result.Decision.Held);
        Assert.Equal(10, result.Decision.Chosen.Total);
        Assert.Contains(result.Decision.GuardNotes!, n => n.Contains("max_instances 10"));
        Assert.Equal(10, (await cloud.GetFleetAsync(policy.ScaleGroup, CancellationToken.None)).Fleet.Total);
        Assert.Single(log.Decisions);
    }

    [Fact]
    public async Task Hold_FallbackAboveHardBudget_IsTrimmedAndTheBudgetStatusIsAfterTheGuard()
    {
        var policy = Default with
        {
            Metrics = Default.Metrics with { FallbackInstances = 60 },
            Budget = new BudgetPolicy(150, BudgetEnforcement.Hard),
        };
        var (loop, _, _, time) = Build(policy, new StepSource(_ => double.NaN));

        time.Set(_start.AddMinutes(1));
        var d = (await loop.TickAsync(CancellationToken.None)).Decision;

        Assert.True(d.Chosen.Total < 60);
        Assert.Contains(d.GuardNotes!, n => n.Contains("hard budget"));
        Assert.True(d.Budget!.Constrained);
        Assert.True(d.Budget.ProjectedUsd <= 150m, $"projected {d.Budget.ProjectedUsd} above the hard budget");
        Assert.Equal(decimal.Round(policy.Catalog.HourlyCost(d.Chosen), 6), decimal.Round(d.ChosenHourlyCost, 6));
    }

    [Fact]
    public async Task Restart_WithSqliteLog_RebuildsMonthToDateSpendBeforeTheFirstDecision()
    {
        var path = Path.Combine(_dir.Root, "spend.db");
        var time = new VirtualTimeProvider(_start);
        var cloud = NewCloud(Default, time, null);
        decimal spentBefore;
        using (var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(path)))
        {
            var loop = Loop(Default, new StepSource(_ => 3000), cloud, log, time);
            TickResult last = null!;
            for (var minute = 1; minute <= 120; minute++)
            {
                time.Set(_start.AddMinutes(minute));
                last = await loop.TickAsync(CancellationToken.None);
            }

            spentBefore = last.SpentUsd;
        }

        Assert.True(spentBefore > 1m, $"two hours at 3000 rps spent only {spentBefore}");
        using (var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(path)))
        {
            // Restarted 30 minutes later: the first decision already counts the spend so far and the downtime.
            var loop = Loop(Default, new StepSource(_ => 3000), cloud, log, time);
            time.Set(_start.AddMinutes(150));
            var first = await loop.TickAsync(CancellationToken.None);

            Assert.True(first.SpentUsd > spentBefore, $"after restart spend is {first.SpentUsd}, before it was {spentBefore}");
            Assert.Equal(first.SpentUsd, first.Decision.Budget!.MonthToDateUsd, 3);
            var billed = cloud.CostUsd(Default.ScaleGroup);
            Assert.InRange(first.SpentUsd, billed * 0.9m, billed * 1.1m);
        }
    }

    [Fact]
    public async Task Faults_EveryKindOfCloudFailure_BecomesAFailedOutcomeAndTheFleetConverges()
    {
        var time = new VirtualTimeProvider(_start);
        var cloud = NewCloud(Default, time, null);
        var faulty = new FaultyCloud(cloud);
        var resilient = new ResilientCloudProvider(faulty, new CloudResilienceOptions
        {
            CallTimeout = TimeSpan.FromMilliseconds(100),
            MaxRetries = 2,
            BaseDelay = TimeSpan.FromMilliseconds(1),
            MaxDelay = TimeSpan.FromMilliseconds(20),
            BreakerMinimumThroughput = 1000,
        });
        var log = new InMemoryDecisionLog();
        var loop = new ServiceLoop(Default, "test", Deps(Default, new StepSource(m => m % 20 < 10 ? 400 : 4000), resilient, log, time) with
        {
            TickDeadline = TimeSpan.FromSeconds(2),
        });

        for (var minute = 1; minute <= 300; minute++)
        {
            faulty.Next = (minute % 7) switch
            {
                1 => FaultyCloud.Fault.Unavailable,
                2 => FaultyCloud.Fault.Throttled,
                3 => FaultyCloud.Fault.Hang,
                4 => FaultyCloud.Fault.Unexpected,
                5 => FaultyCloud.Fault.Terminal,
                _ => FaultyCloud.Fault.None,
            };
            time.Set(_start.AddMinutes(minute));
            var result = await loop.TickAsync(CancellationToken.None);
            Assert.NotNull(result.Outcome);
        }

        Assert.All(log.Decisions, d => Assert.Contains(log.Outcomes, o => o.DecisionId == d.Id));
        Assert.Equal(log.Decisions.Count, log.Outcomes.Select(o => o.DecisionId).Distinct().Count());
        var failed = log.Outcomes.Where(o => o.Status == ApplyStatus.Failed).ToList();
        Assert.Contains(failed, o => o.Message.Contains("Unavailable"));
        Assert.Contains(failed, o => o.Message.Contains("Timeout"));
        Assert.Contains(failed, o => o.Message.Contains("Unknown") && o.Message.Contains("sdk bug"));
        Assert.Contains(failed, o => o.Message.Contains("Unauthorized"));
        Assert.True(faulty.Injected.Values.Sum() >= 60, $"only {faulty.Injected.Values.Sum()} faults injected");
        var keys = cloud.Calls(Default.ScaleGroup).Select(c => c.Key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());

        // With faults gone, one tick converges the fleet to what is decided.
        faulty.Next = FaultyCloud.Fault.None;
        time.Set(_start.AddMinutes(301));
        var calm = await loop.TickAsync(CancellationToken.None);
        Assert.Equal(calm.Decision.Chosen, (await cloud.GetFleetAsync(Default.ScaleGroup, CancellationToken.None)).Fleet);
        Console.WriteLine($"fault table (loop): {string.Join(", ", faulty.Injected.Select(kv => $"{kv.Key}={kv.Value}"))}; decisions {log.Decisions.Count}, failed outcomes {failed.Count}");
    }

    [Fact]
    public async Task Apply_CloudHangsPastTheTickDeadline_RecordsAFailedOutcomeInTime()
    {
        var time = new VirtualTimeProvider(_start);
        var faulty = new FaultyCloud(NewCloud(Default, time, null)) { Next = FaultyCloud.Fault.Hang };
        var log = new InMemoryDecisionLog();
        var loop = new ServiceLoop(Default, "test", Deps(Default, new StepSource(_ => 4000), faulty, log, time) with { TickDeadline = TimeSpan.FromMilliseconds(300) });

        time.Set(_start.AddMinutes(1));
        var result = await loop.TickAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ApplyStatus.Failed, result.Outcome!.Status);
        Assert.Contains("tick deadline", result.Outcome.Message);
    }

    [Fact]
    public async Task Apply_CloudHangsPastTheTickDeadline_TheStateSaveAfterItDoesNotFailTheTick()
    {
        var time = new VirtualTimeProvider(_start);
        var faulty = new FaultyCloud(NewCloud(Default, time, null)) { Next = FaultyCloud.Fault.Hang };
        var states = new CancellableStateStore();
        var loop = new ServiceLoop(Default, "test", Deps(Default, new StepSource(_ => 4000), faulty, new InMemoryDecisionLog(), time) with
        {
            TickDeadline = TimeSpan.FromMilliseconds(300),
            PlannerStates = states,
        });

        time.Set(_start.AddMinutes(1));
        var result = await loop.TickAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        // The apply used up the tick's deadline; the save after it runs on the host's token and the tick stands.
        Assert.Equal(ApplyStatus.Failed, result.Outcome!.Status);
        Assert.Null(result.Failure);
        Assert.Equal(1, states.Saved);
    }

    /// <summary>A store that, like the databases, refuses a write whose token is cancelled.</summary>
    private sealed class CancellableStateStore : IPlannerStateStore
    {
        public int Saved { get; private set; }

        public async Task SavePlannerStateAsync(PlannerStateRecord record, CancellationToken cancellationToken)
        {
            await Task.Delay(1, cancellationToken);
            Saved++;
        }

        public Task<PlannerStateRecord?> LoadPlannerStateAsync(string service, CancellationToken cancellationToken) => Task.FromResult<PlannerStateRecord?>(null);
    }

    [Fact]
    public async Task Apply_CapacityShort_IsPartialAndTheNextTickStartsFromTheActualFleet()
    {
        var time = new VirtualTimeProvider(_start);
        // One more than the group already runs of each type: the guard's step limit lets the first tick launch a
        // handful, so a limit far above the fleet (as 6 per type once was) would never bind.
        var limits = Default.Catalog.Types.ToDictionary(t => t.Name, t => Default.InitialFleet[t.Name] + 1);
        var cloud = NewCloud(Default, time, limits);
        var log = new InMemoryDecisionLog();
        var loop = Loop(Default, new StepSource(_ => 5000), cloud, log, time);

        time.Set(_start.AddMinutes(1));
        var first = await loop.TickAsync(CancellationToken.None);
        time.Set(_start.AddMinutes(2));
        var second = await loop.TickAsync(CancellationToken.None);

        Assert.Equal(ApplyStatus.Partial, first.Outcome!.Status);
        Assert.Contains("insufficient capacity", first.Outcome.Message);
        Assert.True(first.Outcome.After.Total < first.Decision.Chosen.Total);
        Assert.Equal(first.Outcome.After, second.Decision.Before);
        Assert.All(Default.Catalog.Types, t => Assert.True(first.Outcome.After[t.Name] <= limits[t.Name]));
    }

    [Fact]
    public void UpdatePolicy_UnchangedService_KeepsThePlannerAndItsLearning_ChangedServiceRebuildsIt()
    {
        var (loop, _, _, _) = Build(Default, new StepSource(_ => 100));
        var strategy = Plugins.Strategies.Get(Default.Strategy.Name);
        var planner = loop.Planner;

        loop.UpdatePolicy(Default with { Origin = "policies/other.yaml:40:5" }, "v2", strategy);
        Assert.Same(planner, loop.Planner);

        loop.UpdatePolicy(Default with { Budget = new BudgetPolicy(500, BudgetEnforcement.Hard) }, "v3", strategy);
        Assert.NotSame(planner, loop.Planner);
        Assert.Equal("v3", loop.PolicyVersion);
    }

    private (ServiceLoop Loop, SimulatedCloud Cloud, InMemoryDecisionLog Log, VirtualTimeProvider Time) Build(ServicePolicy policy, IMetricSource source)
    {
        var time = new VirtualTimeProvider(_start);
        var cloud = NewCloud(policy, time, null);
        var log = new InMemoryDecisionLog();
        return (Loop(policy, source, cloud, log, time), cloud, log, time);
    }

    private static SimulatedCloud NewCloud(ServicePolicy policy, TimeProvider time, Dictionary<string, int>? limits)
    {
        var cloud = new SimulatedCloud(time) { CapacityLimits = limits ?? [] };
        cloud.EnsureGroup(policy.ScaleGroup, new SimulatedGroupSettings(policy.Catalog, policy.BootDelay, policy.BillingMinimum, policy.InitialFleet));
        return cloud;
    }

    private static ServiceLoop Loop(ServicePolicy policy, IMetricSource source, ICloudProvider cloud, IDecisionLog log, TimeProvider time) =>
        new(policy, "test", Deps(policy, source, cloud, log, time));

    private static ServiceLoopDependencies Deps(ServicePolicy policy, IMetricSource source, ICloudProvider cloud, IDecisionLog log, TimeProvider time) => new()
    {
        Source = source,
        Cloud = cloud,
        Log = log,
        Strategy = Plugins.Strategies.Get(policy.Strategy.Name),
        Time = time,
    };

    public void Dispose() => _dir.Dispose();

    /// <summary>Demand by minute since the Unix epoch; NaN reads as a source outage.</summary>
    private sealed class StepSource(Func<long, double> rps) : IMetricSource
    {
        public string Name => "step";

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var value = rps(now.ToUnixTimeSeconds() / 60);
            return Task.FromResult(double.IsNaN(value)
                ? KpiReading.Unavailable(now, "source down")
                : new KpiReading(now.AddMinutes(-1), new Dictionary<string, double> { [KpiNames.RequestRate] = value }, SourceHealth.Healthy));
        }
    }
}
