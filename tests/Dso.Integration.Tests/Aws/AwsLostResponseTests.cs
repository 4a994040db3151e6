using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Series;
using Dso.Cloud.Aws;
using Dso.Ingestion.Trace;
using Dso.Integration.Tests.Infrastructure;
using Dso.Optimization;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;

namespace Dso.Integration.Tests.Aws;

/// <summary>
/// The service loop on the aws provider, with a TCP proxy between the Auto Scaling client and moto that lets
/// SetDesiredCapacity through and resets the connection instead of returning moto's answer: the change happened, the
/// client does not know. Level-based setting makes the retry harmless, and the log tells what happened. Also: a
/// mapped group that does not exist is a typed not-found error and a failed decision every tick, not a crash.
/// </summary>
public sealed class AwsLostResponseTests : IDisposable
{
    private const string Group = "shop-large";
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);

    private readonly MotoServer _moto = new();
    private readonly MotoFleet _fleet;
    private readonly CloudProxy _proxy;
    private readonly VirtualTimeProvider _time = new(Start);

    public AwsLostResponseTests()
    {
        _fleet = new MotoFleet(_moto);
        _proxy = new CloudProxy(_moto.Url);
    }

    [Fact]
    public async Task Tick_AnswerToSetDesiredCapacityLostOnce_RetriedAndAppliedOnce()
    {
        await _fleet.CreateGroupsAsync((Group, "t4g.large", 1));
        var dropped = 0;
        _proxy.DropAnswerWhen(c => c.Action == "SetDesiredCapacity" && Interlocked.Increment(ref dropped) == 1);
        var (loop, log) = Loop();

        var tick = await loop.TickAsync(default);

        var target = tick.Decision.Chosen["c7g.large"];
        Assert.True(target > 1, $"the demand should need more than one instance (chose {tick.Decision.Chosen})");
        Assert.Equal(1, _proxy.Dropped);
        Assert.True(_proxy.Calls.Count(c => c.Action == "SetDesiredCapacity") >= 2, "the lost call was not retried");
        Assert.Equal(ApplyStatus.Applied, tick.Outcome!.Status);
        Assert.Equal(target - 1, tick.Outcome.Launched);
        Assert.Equal(Fleet.Of(("c7g.large", target)), tick.Outcome.After);
        Assert.Equal(ApplyStatus.Applied, log.Outcomes.Single().Status);
        Assert.Equal(target, await _fleet.DesiredAsync(Group));
        Assert.Equal(target, await _fleet.RunningInstancesAsync());
    }

    [Fact]
    public async Task Tick_EveryAnswerLost_LoggedFailedThenNextTickConvergesWithoutExtraInstances()
    {
        await _fleet.CreateGroupsAsync((Group, "t4g.large", 1));
        _proxy.DropAnswerWhen(c => c.Action == "SetDesiredCapacity");
        var (loop, log) = Loop();

        var first = await loop.TickAsync(default);

        var target = first.Decision.Chosen["c7g.large"];
        Assert.Equal(ApplyStatus.Failed, first.Outcome!.Status);
        Assert.StartsWith("transient Unavailable: applying to scale group 'shop-web'", first.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("SetDesiredCapacity", first.Outcome.Message, StringComparison.Ordinal);
        Assert.True(_proxy.Dropped >= 2, $"{_proxy.Dropped} answers dropped: the client should have retried");
        // moto did act: the group is at the target, with exactly that many instances, however often the call was sent.
        Assert.Equal(target, await _fleet.DesiredAsync(Group));
        Assert.Equal(target, await _fleet.RunningInstancesAsync());

        _proxy.DropAnswerWhen(_ => false);
        var calls = _proxy.Calls.Count;
        _time.Set(Start.AddMinutes(1));
        var second = await loop.TickAsync(default);

        Assert.Equal(Fleet.Of(("c7g.large", target)), second.Decision.Before);
        Assert.Equal(ApplyStatus.NoChange, second.Outcome!.Status);
        Assert.DoesNotContain(_proxy.Calls.Skip(calls), c => c.Action is "SetDesiredCapacity" or "UpdateAutoScalingGroup");
        Assert.Equal(target, await _fleet.RunningInstancesAsync());
        Assert.Equal([ApplyStatus.Failed, ApplyStatus.NoChange], log.Outcomes.Select(o => o.Status));
    }

    [Fact]
    public async Task Tick_GroupDoesNotExist_DecisionFailedAsTerminalNotFoundAndTheLoopGoesOn()
    {
        await _fleet.CreateGroupsAsync(("some-other-group", "t4g.large", 1));
        var (loop, log) = Loop();

        var first = await loop.TickAsync(default);
        _time.Set(Start.AddMinutes(1));
        var second = await loop.TickAsync(default);

        Assert.All([first, second], tick =>
        {
            Assert.Equal(ApplyStatus.Failed, tick.Outcome!.Status);
            Assert.Equal(CloudErrorKind.NotFound, Assert.IsType<CloudProviderException>(tick.Failure!.Exception).Kind);
            Assert.Contains($"'{Group}' (offering c7g.large) not found", tick.Outcome.Message, StringComparison.Ordinal);
        });
        Assert.Equal(2, log.Decisions.Count);
        Assert.Equal(1, await _fleet.RunningInstancesAsync());
    }

    /// <summary>Target tracking on one on-demand type over a replayed constant 550 rps (110 rps per instance at 70 %: 8 instances), applied through the proxy.</summary>
    private (ServiceLoop Loop, InMemoryDecisionLog Log) Loop()
    {
        var policy = Loops.Parse("""
            services:
              - name: shop
                provider: simulated
                scale_group: shop-web
                tick: 1m
                slo:
                  latency_p95_ms: 250
                instance_types:
                  - {name: c7g.large, vcpu: 2, memory_gib: 4, price_per_hour: 0.0725, capacity_rps: 110}
                boot_delay: 0s
                billing_minimum: 0s
                budget:
                  monthly_usd: 100000
                  enforcement: soft
                limits:
                  min_instances: 1
                  max_instances: 20
                  max_step: 20
                  scale_down_stabilization: 0s
                metrics:
                  source: synthetic
                strategy:
                  name: target-tracking
            """);
        var binding = new ProviderBinding("aws", "shop-web", new Dictionary<string, string> { ["c7g.large"] = Group },
            new Dictionary<string, string> { ["region"] = MotoServer.Region, ["endpoint_url"] = _proxy.Url.ToString() });
        var trace = Enumerable.Range(-60, 180).Select(m => new TimeSeriesPoint(Start.AddMinutes(m), 550)).ToList();
        var log = new InMemoryDecisionLog();
        var loop = new ServiceLoop(policy, "test", new ServiceLoopDependencies
        {
            Source = new TraceMetricSource(trace),
            Cloud = new AwsProviderFactory(time: _time).Create(binding),
            Log = log,
            Strategy = StrategyRegistry.CreateDefault().Get(policy.Strategy.Name),
            Time = _time,
        });
        return (loop, log);
    }

    public void Dispose()
    {
        _proxy.Dispose();
        _fleet.Dispose();
        _moto.Dispose();
    }
}
