using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Cloud.Simulated;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Experiments;
using Dso.Reconcile.Simulation;
using Dso.Testing;
using Microsoft.Data.Sqlite;

namespace Dso.Core.Tests.Reconcile;

/// <summary>
/// A restarted service continues from what its planner learned: the state saved after each decision in the decision
/// log's database is restored on the first tick, so the restarted loop decides as one that never stopped; a state
/// that is damaged, too old or learned under another tick is left out with an event saying why.
/// </summary>
public sealed class ServiceLoopPlannerStateTests : IDisposable
{
    private readonly TestTraces _dir = new();
    private readonly DateTimeOffset _start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private readonly double[] _demand = TestTraces.Demand(1000);

    /// <summary>Ticks before the restart: enough for a calibrated envelope and a surge (rows 400-430).</summary>
    private const int Before = 600;

    /// <summary>Ticks after it, compared decision by decision (another surge at rows 1100-1130 is past them; 700+400 is).</summary>
    private const int After = 240;

    private static ServicePolicy Policy => DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];

    [Fact]
    public async Task Restart_DecidesAsTheLoopThatNeverStopped()
    {
        var reference = await RunAsync("reference", Policy, restartAt: null, store: true);
        var restarted = await RunAsync("restarted", Policy, restartAt: Before, store: true);

        var restore = Assert.Single(restarted.Events, e => e.Kind == ServiceLoop.PlannerStateEvent);
        Assert.StartsWith($"restored demand record ({Before} ticks, envelope calibrated), launch times, the reactive counterfactual", restore.Message);
        Assert.Contains("budget pacing (saved 60 s ago)", restore.Message);
        for (var i = Before; i < Before + After; i++)
        {
            Assert.Equal(reference.Decisions[i], restarted.Decisions[i]);
        }
    }

    [Fact]
    public async Task Restart_AfterAMetricsOutageLongerThanTheAgeLimit_StillContinues()
    {
        // The last 20 ticks before the restart held the fleet (the source was down): the planner did not run, but the
        // loop did, so its state is as current as an uninterrupted loop's, not 20 minutes old.
        bool Down(int i) => i is >= Before - 20 and < Before;
        var reference = await RunAsync("outage-reference", Policy, restartAt: null, store: true, down: Down);
        var restarted = await RunAsync("outage-restarted", Policy, restartAt: Before, store: true, down: Down);

        var restore = Assert.Single(restarted.Events, e => e.Kind == ServiceLoop.PlannerStateEvent);
        Assert.StartsWith($"restored demand record ({Before - 20} ticks, envelope calibrated)", restore.Message);
        Assert.EndsWith("(saved 60 s ago)", restore.Message);
        for (var i = Before; i < Before + After; i++)
        {
            Assert.Equal(reference.Decisions[i], restarted.Decisions[i]);
        }
    }

    [Fact]
    public async Task Restart_WithoutTheStore_DecidesOtherwise()
    {
        // The counterpart: without the saved state the restarted planner learns afresh and decides differently.
        var reference = await RunAsync("reference", Policy, restartAt: null, store: false);
        var restarted = await RunAsync("restarted", Policy, restartAt: Before, store: false);

        var differ = Enumerable.Range(Before, After).Count(i => reference.Decisions[i] != restarted.Decisions[i]);
        Assert.True(differ > 20, $"{differ} of {After} decisions differed");
        Assert.DoesNotContain(restarted.Events, e => e.Kind == ServiceLoop.PlannerStateEvent);
    }

    [Fact]
    public async Task Restart_WithADamagedState_LearnsAfreshAndSaysWhy()
    {
        var run = await RunAsync("damaged", Policy, restartAt: Before, store: true, whileDown: path =>
        {
            using var db = new SqliteConnection($"Data Source={path};Pooling=False");
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "UPDATE planner_state SET state = substr(state, 1, length(state) - 10)";
            Assert.Equal(1, cmd.ExecuteNonQuery());
        });

        var refused = Assert.Single(run.Events, e => e.Kind == ServiceLoop.PlannerStateEvent);
        Assert.StartsWith("learning afresh: the saved state is refused: its checksum does not match (truncated or altered) (saved 60 s ago)", refused.Message);
        // The loop goes on deciding (and saves a good state again).
        Assert.Equal(Before + After, run.Decisions.Count);
        Assert.All(run.Decisions.Skip(Before), d => Assert.DoesNotContain("failed", d));
    }

    [Fact]
    public async Task Restart_AfterALongStop_LearnsAfreshAndSaysWhy()
    {
        var run = await RunAsync("late", Policy, restartAt: Before, store: true, downFor: TimeSpan.FromMinutes(30));

        var refused = Assert.Single(run.Events, e => e.Kind == ServiceLoop.PlannerStateEvent);
        Assert.Equal("learning afresh: the saved state is 31 min old, older than 15 min (its demand record would skip the gap)", refused.Message);
    }

    [Fact]
    public async Task Restart_UnderAnEditedBudget_KeepsWhatAReloadKeeps()
    {
        var run = await RunAsync("edited", Policy, restartAt: Before, store: true,
            restartPolicy: Policy with { Budget = Policy.Budget with { MonthlyUsd = 1200 } });

        var restore = Assert.Single(run.Events, e => e.Kind == ServiceLoop.PlannerStateEvent);
        Assert.StartsWith($"restored demand record ({Before} ticks, envelope calibrated), launch times of 3 unchanged offering(s), the reactive counterfactual", restore.Message);
        Assert.DoesNotContain("budget pacing", restore.Message);
        Assert.EndsWith("(saved 60 s ago, under a policy edited since: kept what a reload keeps)", restore.Message);
    }

    [Fact]
    public async Task Restart_UnderAnotherTick_LearnsAfresh()
    {
        var run = await RunAsync("retick", Policy, restartAt: Before, store: true, restartPolicy: Policy with { Tick = TimeSpan.FromMinutes(2) }, afterTicks: 2);

        var refused = Assert.Single(run.Events, e => e.Kind == ServiceLoop.PlannerStateEvent);
        Assert.Equal("learning afresh: the saved state was learned under another tick (saved 2 min ago)", refused.Message);
    }

    [Fact]
    public async Task Restart_InASwitchback_EachVariantContinuesWhereItLeftOff()
    {
        var reference = await RunAsync("ab-reference", Policy, restartAt: null, store: true, arms: Switchback);
        var restarted = await RunAsync("ab-restarted", Policy, restartAt: Before, store: true, arms: Switchback);

        var restores = restarted.Events.Where(e => e.Kind == ServiceLoop.PlannerStateEvent).Select(e => e.Message).ToList();
        Assert.Contains(restores, m => m.StartsWith($"variant coverage/q98: restored demand record ({Before} ticks, envelope calibrated)", StringComparison.Ordinal));
        Assert.Contains(restores, m => m.StartsWith($"variant coverage/q90: restored demand record ({Before} ticks, envelope calibrated)", StringComparison.Ordinal));
        for (var i = Before; i < Before + After; i++)
        {
            Assert.Equal(reference.Decisions[i], restarted.Decisions[i]);
        }
    }

    /// <summary>Two variants of the default policy in hourly blocks from the start (a 20-minute washout).</summary>
    private SwitchbackArms Switchback(ServicePolicy policy)
    {
        var design = new Dso.Experiments.Design.SwitchbackDesign { Start = _start, BlockLength = TimeSpan.FromHours(1), Washout = TimeSpan.FromMinutes(20), Variants = ["q98", "q90"], Seed = 3 };
        var q90 = policy with { Strategy = policy.Strategy with { Parameters = new Dictionary<string, double>(policy.Strategy.Parameters) { ["coverage_quantile"] = 0.9 } } };
        return new SwitchbackArms("coverage", design, new Dictionary<string, ServicePolicy> { ["q98"] = policy, ["q90"] = q90 }, Plugins.Strategies);
    }

    [Fact]
    public async Task SaveFailure_IsReportedOnceAndNeverFailsATick()
    {
        var time = new VirtualTimeProvider(_start);
        var logPath = Path.Combine(_dir.Root, "failing.db");
        using var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(logPath));
        var loop = NewLoop(Policy, time, NewCloud(Policy, time, Path.Combine(_dir.Root, "failing.json")), log, new FailingStore());
        var results = new List<TickResult>();
        for (var i = 0; i < 5; i++)
        {
            time.Set(_start.AddMinutes(i + 1));
            results.Add(await loop.TickAsync(CancellationToken.None));
        }

        Assert.All(results, r => Assert.DoesNotContain("failed", r.Decision.Reason));
        // Every failing tick says so to the host (dso_state_write_failures_total counts them); the log once.
        Assert.All(results, r => Assert.Equal("disk full", r.StateSaveFailed));
        Assert.All(results, r => Assert.Null(r.Failure));
        var events = log.RecentEvents(100).Where(e => e.Kind == ServiceLoop.PlannerStateEvent).ToList();
        var failed = Assert.Single(events);
        Assert.Equal("saving the planner's state failed (a restart now would learn afresh): disk full", failed.Message);
    }

    [Fact]
    public async Task Saves_AreAtMostOnePerInterval()
    {
        var time = new VirtualTimeProvider(_start);
        var states = new CountingStore();
        var loop = new ServiceLoop(Policy, "test", new ServiceLoopDependencies
        {
            Source = new Trace(_demand, _start),
            Cloud = NewCloud(Policy, time, Path.Combine(_dir.Root, "interval.json")),
            Log = new InMemoryDecisionLog(),
            Strategy = Plugins.Strategies.Get(Policy.Strategy.Name),
            Time = time,
            PlannerStates = states,
            PlannerStateInterval = TimeSpan.FromHours(1),
        });
        for (var i = 0; i < 5; i++)
        {
            time.Set(_start.AddMinutes(i + 1));
            await loop.TickAsync(CancellationToken.None);
        }

        // The first tick's state, then nothing within the (real-time) hour.
        Assert.Equal(1, states.Saves);
    }

    private sealed class CountingStore : IPlannerStateStore
    {
        public int Saves { get; private set; }

        public Task SavePlannerStateAsync(PlannerStateRecord record, CancellationToken cancellationToken)
        {
            Saves++;
            return Task.CompletedTask;
        }

        public Task<PlannerStateRecord?> LoadPlannerStateAsync(string service, CancellationToken cancellationToken) => Task.FromResult<PlannerStateRecord?>(null);
    }

    private sealed record Run(List<string> Decisions, List<(string Kind, string Message)> Events);

    /// <summary>
    /// Runs the default policy over <see cref="_demand"/> with its own decision log and simulated cloud; with
    /// <paramref name="restartAt"/>, the process "dies" after that many ticks and a new log, cloud client and loop
    /// continue over the same files.
    /// </summary>
    private async Task<Run> RunAsync(string name, ServicePolicy policy, int? restartAt, bool store, Action<string>? whileDown = null, TimeSpan? downFor = null,
        ServicePolicy? restartPolicy = null, int afterTicks = After, Func<ServicePolicy, SwitchbackArms>? arms = null, Func<int, bool>? down = null)
    {
        var time = new VirtualTimeProvider(_start);
        var logPath = Path.Combine(_dir.Root, name + ".db");
        var cloudPath = Path.Combine(_dir.Root, name + ".json");
        var decisions = new List<string>();
        var events = new List<(string Kind, string Message)>();
        var now = _start;
        var phases = restartAt is { } at ? new[] { (at, policy), (afterTicks, restartPolicy ?? policy) } : new[] { (Before + After, policy) };
        foreach (var (ticks, current) in phases)
        {
            using (var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(logPath)))
            {
                var loop = NewLoop(current, time, NewCloud(current, time, cloudPath), log, store ? log : null, down);
                loop.Arms = arms?.Invoke(current);
                for (var i = 0; i < ticks; i++)
                {
                    now += current.Tick;
                    time.Set(now);
                    var decision = (await loop.TickAsync(CancellationToken.None)).Decision;
                    decisions.Add($"{decision.Chosen} {decision.Reason}");
                }

                events.AddRange(log.RecentEvents(10_000).Where(e => e.Kind == ServiceLoop.PlannerStateEvent).Select(e => (e.Kind, e.Message)));
            }

            whileDown?.Invoke(logPath);
            whileDown = null;
            now += downFor ?? TimeSpan.Zero;
        }

        return new Run(decisions, events.Distinct().ToList());
    }

    private static SimulatedCloud NewCloud(ServicePolicy policy, TimeProvider time, string path)
    {
        var cloud = new SimulatedCloud(time, path);
        cloud.EnsureGroup(policy.ScaleGroup, new SimulatedGroupSettings(policy.Catalog, policy.BootDelay, policy.BillingMinimum, policy.InitialFleet));
        return cloud;
    }

    private ServiceLoop NewLoop(ServicePolicy policy, TimeProvider time, ICloudProvider cloud, SqliteDecisionLog log, IPlannerStateStore? states, Func<int, bool>? down = null) =>
        new(policy, "test", new ServiceLoopDependencies
        {
            Source = new Trace(_demand, _start, down),
            Cloud = cloud,
            Log = log,
            Strategy = Plugins.Strategies.Get(policy.Strategy.Name),
            Time = time,
            PlannerStates = states,
        });

    public void Dispose() => _dir.Dispose();

    /// <summary>Demand by minute since the start (the tick's reading is the minute before it).</summary>
    private sealed class Trace(double[] demand, DateTimeOffset start, Func<int, bool>? down = null) : IMetricSource
    {
        public string Name => "trace";

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var i = Math.Clamp((int)((now - start).TotalMinutes - 1), 0, demand.Length - 1);
            return Task.FromResult(down?.Invoke(i) == true
                ? KpiReading.Unavailable(now, "source down")
                : new KpiReading(now.AddMinutes(-1), new Dictionary<string, double> { [KpiNames.RequestRate] = demand[i] }, SourceHealth.Healthy));
        }
    }

    private sealed class FailingStore : IPlannerStateStore
    {
        public Task SavePlannerStateAsync(PlannerStateRecord record, CancellationToken cancellationToken) => throw new IOException("disk full");

        public Task<PlannerStateRecord?> LoadPlannerStateAsync(string service, CancellationToken cancellationToken) => Task.FromResult<PlannerStateRecord?>(null);
    }
}
