using Dso.Abstractions.Approvals;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Metrics;
using Dso.Cloud.Simulated;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Optimization;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Approvals;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

/// <summary>Mode approve: what waits, what applies, and how an approval is re-checked, against a real SQLite queue.</summary>
public sealed class ServiceLoopApprovalTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly VirtualTimeProvider _time = new(Start);
    private readonly SqliteDecisionLog _log = new(new SqliteDecisionLogOptions(":memory:"));
    private readonly Steady _source = new() { Rps = 2000 };
    private SimulatedCloud _cloud = null!;
    private ServicePolicy _policy = null!;

    public void Dispose() => _log.Dispose();

    [Fact]
    public async Task Tick_ChangeAboveThreshold_WaitsUntilApprovedThenAppliesNamingTheApprover()
    {
        var (loop, desk) = Build(new ApprovalPolicy(0, null, TimeSpan.FromMinutes(30)));
        var before = await FleetAsync();

        for (var minute = 1; minute <= 3; minute++)
        {
            var waiting = await TickAsync(loop, minute);
            Assert.Equal(ApplyStatus.AwaitingApproval, waiting.Outcome!.Status);
            Assert.Contains("awaiting approval", waiting.Outcome.Message, StringComparison.Ordinal);
            Assert.Equal(before, await FleetAsync());
        }

        var pending = await desk.Queue.ApprovalsAsync(new ApprovalQuery { Service = _policy.Name, Statuses = [ApprovalStatus.Pending] }, default);
        var request = Assert.Single(pending);
        Assert.Equal(before, request.Before);
        Assert.NotEqual(before, request.Target);
        Assert.True(request.InstancesAdded > 0);

        var answer = await desk.ApproveAsync(request.Id, "ops", "for the sale", default);
        Assert.Equal(ApprovalAnswerKind.Taken, answer.Kind);
        Assert.Equal(ApprovalAnswerKind.NotPending, (await desk.RejectAsync(request.Id, "eve", null, default)).Kind);

        var applied = await TickAsync(loop, 4);
        Assert.Equal(ApplyStatus.Applied, applied.Outcome!.Status);
        Assert.Equal("ops", applied.Decision.Approval!.ApprovedBy);
        Assert.Equal(request.Id, applied.Decision.Approval.Id);
        Assert.Equal(request.Target, applied.Decision.Chosen);
        Assert.Equal(request.Target, await FleetAsync());
        var done = await desk.Queue.FindApprovalAsync(request.Id, default);
        Assert.Equal(ApprovalStatus.Applied, done!.Status);
        Assert.Equal(applied.Decision.Id, done.AppliedDecisionId);
        Assert.Equal("ops", done.DecidedBy);
        var events = await _log.EventsAsync(_policy.Name, null, null, null, 100, default);
        Assert.Contains(events, e => e.Kind == "approval_approved" && e.Message.Contains("'ops'", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Kind == "approval_applied");
        var logged = await _log.FindAsync(applied.Decision.Id, default);
        Assert.Equal("ops", logged!.Decision.Approval!.ApprovedBy);
    }

    [Fact]
    public async Task Tick_ChangeBelowThreshold_AppliesAtOnceWithoutARequest()
    {
        var (loop, desk) = Build(new ApprovalPolicy(500, null, TimeSpan.FromMinutes(30)));
        var tick = await TickAsync(loop, 1);
        Assert.Equal(ApplyStatus.Applied, tick.Outcome!.Status);
        Assert.Empty(await desk.Queue.ApprovalsAsync(new ApprovalQuery { Statuses = [] }, default));
    }

    [Fact]
    public async Task Tick_RejectedChange_IsNotAskedAgainWithinTheTimeout()
    {
        var (loop, desk) = Build(new ApprovalPolicy(0, null, TimeSpan.FromMinutes(30)));
        var before = await FleetAsync();
        await TickAsync(loop, 1);
        var request = Assert.Single(await desk.Queue.ApprovalsAsync(new ApprovalQuery { Statuses = [ApprovalStatus.Pending] }, default));
        Assert.Equal(ApprovalAnswerKind.Taken, (await desk.RejectAsync(request.Id, "ops", "not during the freeze", default)).Kind);

        var tick = await TickAsync(loop, 2);
        Assert.Equal(ApplyStatus.Rejected, tick.Outcome!.Status);
        Assert.Contains("'ops' rejected", tick.Outcome.Message, StringComparison.Ordinal);
        Assert.Empty(await desk.Queue.ApprovalsAsync(new ApprovalQuery { Statuses = [ApprovalStatus.Pending] }, default));
        Assert.Equal(before, await FleetAsync());
    }

    [Fact]
    public async Task Tick_UnansweredRequest_ExpiresAndIsRecorded()
    {
        var (loop, desk) = Build(new ApprovalPolicy(0, null, TimeSpan.FromMinutes(3)));
        await TickAsync(loop, 1);
        var first = Assert.Single(await desk.Queue.ApprovalsAsync(new ApprovalQuery { Statuses = [ApprovalStatus.Pending] }, default));
        // The next tick comes after the expiry (no tick in between that could supersede the request instead).
        await TickAsync(loop, 5);

        var expired = await desk.Queue.FindApprovalAsync(first.Id, default);
        Assert.Equal(ApprovalStatus.Expired, expired!.Status);
        Assert.Equal(ApprovalDesk.System, expired.DecidedBy);
        Assert.Equal(ApprovalAnswerKind.NotPending, (await desk.ApproveAsync(first.Id, "ops", null, default)).Kind);
        var events = await _log.EventsAsync(_policy.Name, "approval_expired", null, null, 10, default);
        Assert.Single(events);
        Assert.Single(await desk.Queue.ApprovalsAsync(new ApprovalQuery { Statuses = [ApprovalStatus.Pending] }, default));
    }

    [Fact]
    public async Task Tick_ApprovedButTheFleetChangedSince_IsRefusedAsStaleAndNotApplied()
    {
        var (loop, desk) = Build(new ApprovalPolicy(0, null, TimeSpan.FromMinutes(30)));
        await TickAsync(loop, 1);
        var request = Assert.Single(await desk.Queue.ApprovalsAsync(new ApprovalQuery { Statuses = [ApprovalStatus.Pending] }, default));
        await desk.ApproveAsync(request.Id, "ops", null, default);
        var manual = Fleet.Of(("c7g.large", 7));
        await _cloud.ApplyAsync(new ApplyRequest(_policy.ScaleGroup, manual, "someone-else"), default);

        var tick = await TickAsync(loop, 2);
        Assert.Null(tick.Decision.Approval);
        Assert.NotEqual(ApplyStatus.Applied, tick.Outcome!.Status);
        var refused = await desk.Queue.FindApprovalAsync(request.Id, default);
        Assert.Equal(ApprovalStatus.Refused, refused!.Status);
        Assert.Contains("the fleet changed since the request", refused.Resolution, StringComparison.Ordinal);
        Assert.Equal(manual, await FleetAsync());
    }

    [Fact]
    public async Task Tick_ApprovedButTheGuardWouldNowChangeIt_IsRefused()
    {
        var (loop, desk) = Build(new ApprovalPolicy(0, null, TimeSpan.FromMinutes(30)));
        await TickAsync(loop, 1);
        var request = Assert.Single(await desk.Queue.ApprovalsAsync(new ApprovalQuery { Statuses = [ApprovalStatus.Pending] }, default));
        await desk.ApproveAsync(request.Id, "ops", null, default);
        var tighter = _policy with { Limits = _policy.Limits with { MaxInstances = request.Target.Total - 1 } };
        loop.UpdatePolicy(tighter, "tighter", StrategyRegistry.CreateDefault().Get(tighter.Strategy.Name));

        var tick = await TickAsync(loop, 2);
        Assert.Null(tick.Decision.Approval);
        var refused = await desk.Queue.FindApprovalAsync(request.Id, default);
        Assert.Equal(ApprovalStatus.Refused, refused!.Status);
        Assert.Contains("plan guard would now change it", refused.Resolution, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tick_TargetMovesTheSameWay_KeepsTheRequest_AnotherFleetSupersedesIt()
    {
        var (loop, desk) = Build(new ApprovalPolicy(0, null, TimeSpan.FromMinutes(30)));
        await TickAsync(loop, 1);
        var first = Assert.Single(await desk.Queue.ApprovalsAsync(new ApprovalQuery { Statuses = [ApprovalStatus.Pending] }, default));
        _source.Rps = 1200;
        var more = await TickAsync(loop, 2);
        Assert.NotEqual(first.Target, more.Decision.Chosen);
        Assert.Equal(ApplyStatus.AwaitingApproval, more.Outcome!.Status);
        Assert.Contains($"awaiting approval {first.Id}", more.Outcome.Message, StringComparison.Ordinal);
        Assert.Equal(first.Id, Assert.Single(await desk.Queue.ApprovalsAsync(new ApprovalQuery { Statuses = [ApprovalStatus.Pending] }, default)).Id);

        await _cloud.ApplyAsync(new ApplyRequest(_policy.ScaleGroup, Fleet.Of(("c7g.large", 5)), "someone-else"), default);
        var moved = await TickAsync(loop, 3);
        var second = Assert.Single(await desk.Queue.ApprovalsAsync(new ApprovalQuery { Statuses = [ApprovalStatus.Pending] }, default));
        Assert.Equal(moved.Decision.Id, second.Id);
        Assert.Equal(ApprovalStatus.Superseded, (await desk.Queue.FindApprovalAsync(first.Id, default))!.Status);
    }

    [Fact]
    public async Task Tick_SmallStepsThatAddUpWithinTheWindow_WaitForAnOperator_AndAnApprovalStartsTheCountAfresh()
    {
        // One more instance a minute, each step under the threshold of 2: the third within the hour would make +3.
        var (loop, desk) = Build(new ApprovalPolicy(2, null, TimeSpan.FromMinutes(30)) { Window = TimeSpan.FromHours(1) }, new OneMoreStrategy());
        var start = await FleetAsync();
        Assert.Equal(ApplyStatus.Applied, (await TickAsync(loop, 1)).Outcome!.Status);
        Assert.Equal(ApplyStatus.Applied, (await TickAsync(loop, 2)).Outcome!.Status);
        var third = await TickAsync(loop, 3);
        Assert.Equal(ApplyStatus.AwaitingApproval, third.Outcome!.Status);
        Assert.Contains($"is above the approval threshold (more than 2 instances) together with the changes applied without approval since {Start.AddMinutes(1):yyyy-MM-ddTHH:mm:ssZ} ({start} then: +3/-0 instances", third.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("within approval.window 1h)", third.Outcome.Message, StringComparison.Ordinal);
        Assert.Equal(start.Total + 2, (await FleetAsync()).Total);

        var request = Assert.Single(await desk.Queue.ApprovalsAsync(new ApprovalQuery { Statuses = [ApprovalStatus.Pending] }, default));
        // The operator's queue says why a one-instance step waits.
        Assert.Contains("[waits: above the approval threshold (more than 2 instances) together with the changes applied without approval since", request.Reason, StringComparison.Ordinal);
        await desk.ApproveAsync(request.Id, "ops", null, default);
        Assert.Equal(ApplyStatus.Applied, (await TickAsync(loop, 4)).Outcome!.Status);
        Assert.Equal(start.Total + 3, (await FleetAsync()).Total);
        // Counted from the approved fleet: two more steps apply at once, the third waits again.
        Assert.Equal(ApplyStatus.Applied, (await TickAsync(loop, 5)).Outcome!.Status);
        Assert.Equal(ApplyStatus.Applied, (await TickAsync(loop, 6)).Outcome!.Status);
        Assert.Equal(ApplyStatus.AwaitingApproval, (await TickAsync(loop, 7)).Outcome!.Status);

        // Steps older than the window no longer count.
        Assert.Equal(ApplyStatus.Applied, (await TickAsync(loop, 68)).Outcome!.Status);
    }

    [Fact]
    public async Task Tick_SmallStepsWithWindowZero_AreJudgedOneByOne()
    {
        var (loop, _) = Build(new ApprovalPolicy(2, null, TimeSpan.FromMinutes(30)) { Window = TimeSpan.Zero }, new OneMoreStrategy());
        for (var minute = 1; minute <= 5; minute++)
        {
            Assert.Equal(ApplyStatus.Applied, (await TickAsync(loop, minute)).Outcome!.Status);
        }
    }

    private (ServiceLoop Loop, ApprovalDesk Desk) Build(ApprovalPolicy approval, IScalingStrategy? strategy = null)
    {
        _policy = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0] with { Cloud = new CloudPolicy { Mode = ApplyMode.Approve, Approval = approval } };
        _cloud = new SimulatedCloud(_time);
        _cloud.EnsureGroup(_policy.ScaleGroup, new SimulatedGroupSettings(_policy.Catalog, _policy.BootDelay, _policy.BillingMinimum, _policy.InitialFleet));
        var loop = new ServiceLoop(_policy, "test", new ServiceLoopDependencies
        {
            Source = _source,
            Cloud = _cloud,
            Log = _log,
            Strategy = strategy ?? StrategyRegistry.CreateDefault().Get(_policy.Strategy.Name),
            Time = _time,
        });
        return (loop, new ApprovalDesk(_log, _log, _time));
    }

    private async Task<TickResult> TickAsync(ServiceLoop loop, int minute)
    {
        _time.Set(Start.AddMinutes(minute));
        var tick = await loop.TickAsync(default);
        Assert.Null(tick.Failure);
        return tick;
    }

    private async Task<Fleet> FleetAsync() => (await _cloud.GetFleetAsync(_policy.ScaleGroup, default)).Fleet;

    private sealed class Steady : IMetricSource
    {
        public double Rps { get; set; }

        public string Name => "steady";

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(new KpiReading(now.AddMinutes(-1), new Dictionary<string, double> { [KpiNames.RequestRate] = Rps }, SourceHealth.Healthy));
    }

    /// <summary>Asks for one more instance of the catalog's first type every tick, whatever the demand.</summary>
    private sealed class OneMoreStrategy : IScalingStrategy
    {
        public string Name => "one-more";

        public IReadOnlyList<Dso.Policies.Parameters.ParameterSpec> Parameters => [];

        public IScalingPlanner CreatePlanner(ServicePolicy policy) => new Planner(policy.Catalog.Types[0].Name);

        private sealed class Planner(string type) : IScalingPlanner
        {
            public ScalingPlan Plan(PlanningContext context) =>
                new(context.Current.With(type, context.Current[type] + 1), "one-more", "one more instance", []);
        }
    }
}
