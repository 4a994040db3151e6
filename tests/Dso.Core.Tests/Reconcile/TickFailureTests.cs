using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Cloud.Simulated;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Optimization;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

/// <summary>
/// A tick that throws is a failed decision with its stage and reason, reported to the observer, and it does not
/// poison the ticks after it.
/// </summary>
public sealed class TickFailureTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Tick_PlannerThrows_LogsFailedDecisionWithStageAndNextTickDecides()
    {
        var h = new Harness();
        h.Source.Next = 300;
        var ok = await h.TickAt(1);
        h.Source.Next = 666; // the planner's poison value
        var failed = await h.TickAt(2);
        h.Source.Next = 300;
        var after = await h.TickAt(3);

        Assert.Null(ok.Failure);
        Assert.NotNull(failed.Failure);
        Assert.Equal(TickStage.Plan, failed.Failure.Stage);
        Assert.Equal(ServiceLoop.FailedStrategy, failed.Decision.Strategy);
        Assert.True(failed.Decision.Held);
        Assert.Equal(failed.Decision.Before, failed.Decision.Chosen);
        var logged = (await h.Log.RecentAsync("shop", 10, CancellationToken.None)).Single(r => r.Decision.Id == failed.Decision.Id);
        Assert.Contains("stage 'plan'", logged.Decision.Reason, StringComparison.Ordinal);
        Assert.Contains("OverflowException", logged.Decision.Reason, StringComparison.Ordinal);
        Assert.Equal(ApplyStatus.Failed, logged.Outcome?.Status);
        Assert.Equal([(string)TickStage.Plan], h.Observer.Failures.Select(f => f.Stage));
        Assert.Null(after.Failure);
        Assert.False(after.Decision.Held);
        Assert.Equal(3, (await h.Log.RecentAsync("shop", 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Tick_PlannerPoisonedByHistory_IsRebuiltSoOnlyOneTickFails()
    {
        // Like a demand history holding an extreme value for hours: without a rebuild every later tick would throw.
        var h = new Harness();
        h.Source.Next = 666;
        var failed = await h.TickAt(1);
        var results = new List<TickResult>();
        h.Source.Next = 300;
        for (var minute = 2; minute < 10; minute++)
        {
            results.Add(await h.TickAt(minute));
        }

        Assert.NotNull(failed.Failure);
        Assert.All(results, r => Assert.Null(r.Failure));
        Assert.Single(h.Observer.Failures);
    }

    [Fact]
    public async Task Tick_CloudReadThrows_FailsAtReadWithoutTouchingTheFleet()
    {
        var h = new Harness();
        h.Source.Next = 300;
        await h.TickAt(1);
        h.Cloud.ThrowOnRead = new InvalidOperationException("the provider's API answered 500");
        var failed = await h.TickAt(2);
        h.Cloud.ThrowOnRead = null;
        var after = await h.TickAt(3);

        Assert.Equal(TickStage.Read, failed.Failure?.Stage);
        Assert.Contains("the provider's API answered 500", failed.Decision.Reason, StringComparison.Ordinal);
        Assert.Null(after.Failure);
    }

    [Fact]
    public async Task Tick_DecisionLogThrowsOnce_FailsAtLogAndNextTickDecides()
    {
        var h = new Harness();
        h.Source.Next = 300;
        h.Log.FailNextAppend = true;
        var failed = await h.TickAt(1);
        var after = await h.TickAt(2);

        Assert.Equal(TickStage.Log, failed.Failure?.Stage);
        Assert.Contains("disk I/O error", failed.Decision.Reason, StringComparison.Ordinal);
        var records = await h.Log.RecentAsync("shop", 10, CancellationToken.None);
        var logged = Assert.Single(records, r => r.Decision.Id == failed.Decision.Id);
        Assert.Equal(ServiceLoop.FailedStrategy, logged.Decision.Strategy); // the failure itself made it into the log
        Assert.Equal(ApplyStatus.Failed, logged.Outcome?.Status);
        Assert.Null(after.Failure);
    }

    [Fact]
    public async Task Tick_ObserverThrows_DecisionStandsAndFailureIsReportedAtObserve()
    {
        var h = new Harness();
        h.Source.Next = 300;
        h.Observer.ThrowOnTick = true;
        var result = await h.TickAt(1);

        Assert.Equal(TickStage.Observe, result.Failure?.Stage);
        Assert.NotEqual(ServiceLoop.FailedStrategy, result.Decision.Strategy);
        Assert.Single(await h.Log.RecentAsync("shop", 10, CancellationToken.None));
    }

    private sealed class Harness
    {
        public Harness()
        {
            var policy = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];
            Time = new VirtualTimeProvider(Start);
            var simulated = new SimulatedCloud(Time);
            simulated.EnsureGroup(policy.ScaleGroup, new SimulatedGroupSettings(policy.Catalog, policy.BootDelay, policy.BillingMinimum, policy.InitialFleet));
            Cloud = new FaultyCloud(simulated);
            Loop = new ServiceLoop(policy, "test", new ServiceLoopDependencies
            {
                Source = Source,
                Cloud = Cloud,
                Log = Log,
                Strategy = new PoisonableStrategy(Plugins.Strategies.Get(policy.Strategy.Name)),
                Time = Time,
                DetectorFactory = Plugins.DetectorFactory,
                Observer = Observer,
            });
        }

        public VirtualTimeProvider Time { get; }

        public ScriptedDemand Source { get; } = new();

        public FaultyCloud Cloud { get; }

        public FlakyLog Log { get; } = new(new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:")));

        public RecordingObserver Observer { get; } = new();

        public ServiceLoop Loop { get; }

        public Task<TickResult> TickAt(int minute)
        {
            Time.Set(Start.AddMinutes(minute));
            return Loop.TickAsync(CancellationToken.None);
        }
    }

    internal sealed class ScriptedDemand : IMetricSource
    {
        public double Next { get; set; }

        public string Name => "scripted";

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(new KpiReading(now.AddSeconds(-5), new Dictionary<string, double> { [KpiNames.RequestRate] = Next }, SourceHealth.Healthy));
    }

    /// <summary>Remembers every demand it saw and throws while the poison value is among them, as a history-keeping planner would.</summary>
    private sealed class PoisonableStrategy(IScalingStrategy inner) : IScalingStrategy
    {
        public string Name => inner.Name;

        public IReadOnlyList<Dso.Policies.Parameters.ParameterSpec> Parameters => inner.Parameters;

        public IScalingPlanner CreatePlanner(ServicePolicy policy) => new Planner(inner.CreatePlanner(policy));

        private sealed class Planner(IScalingPlanner inner) : IScalingPlanner
        {
            private readonly List<double> _seen = [];

            public ScalingPlan Plan(PlanningContext context)
            {
                _seen.Add(context.ObservedDemand);
                return _seen.Contains(666) ? throw new OverflowException("Value was either too large or too small for a Decimal.") : inner.Plan(context);
            }
        }
    }

    internal sealed class FaultyCloud(ICloudProvider inner) : ICloudProvider
    {
        public Exception? ThrowOnRead { get; set; }

        public Exception? ThrowOnApply { get; set; }

        public string Name => inner.Name;

        public Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken) =>
            ThrowOnRead is { } ex ? throw ex : inner.GetFleetAsync(scaleGroup, cancellationToken);

        public Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken) =>
            ThrowOnApply is { } ex ? throw ex : inner.ApplyAsync(request, cancellationToken);
    }

    /// <summary>A decision log whose next append fails once, as SQLite does on a full or failing disk.</summary>
    internal sealed class FlakyLog(SqliteDecisionLog inner) : IDecisionLog
    {
        public bool FailNextAppend { get; set; }

        public Task AppendAsync(ScalingDecision decision, CancellationToken cancellationToken)
        {
            if (FailNextAppend)
            {
                FailNextAppend = false;
                throw new IOException("disk I/O error");
            }

            return inner.AppendAsync(decision, cancellationToken);
        }

        public Task RecordOutcomeAsync(DecisionOutcome outcome, CancellationToken cancellationToken) => inner.RecordOutcomeAsync(outcome, cancellationToken);

        public Task AppendEventAsync(string service, DateTimeOffset at, string kind, string message, CancellationToken cancellationToken) =>
            inner.AppendEventAsync(service, at, kind, message, cancellationToken);

        public Task<IReadOnlyList<DecisionRecord>> RecentAsync(string? service, int limit, CancellationToken cancellationToken) => inner.RecentAsync(service, limit, cancellationToken);

        public Task<DecisionRecord?> LastAsync(string service, CancellationToken cancellationToken) => inner.LastAsync(service, cancellationToken);
    }

    internal sealed class RecordingObserver : ILoopObserver
    {
        public bool ThrowOnTick { get; set; }

        public List<TickFailure> Failures { get; } = [];

        public void OnTick(TickResult result)
        {
            if (ThrowOnTick)
            {
                throw new InvalidOperationException("webhook queue closed");
            }
        }

        public void OnTickFailed(TickFailure failure) => Failures.Add(failure);
    }
}
