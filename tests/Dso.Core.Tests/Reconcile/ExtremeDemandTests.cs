using System.Globalization;
using System.Text;
using Dso.Abstractions.Metrics;
using Dso.Abstractions.Series;
using Dso.Ingestion.Trace;
using Dso.Cloud.Simulated;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

/// <summary>
/// Any demand a source hands the loop, however large or odd, yields a logged decision: nothing downstream
/// overflows, and a tick after the extreme one decides normally again.
/// </summary>
public sealed class ExtremeDemandTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<double> Extremes => new() { 1e5, 1e6, 1e9, 1e15, 1e28, 1e29, 1e300, double.MaxValue, double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1, -1e300, double.Epsilon };

    [Theory]
    [MemberData(nameof(Extremes))]
    public Task Tick_ExtremeDemandAmidNormal_CostOptimizer_EveryTickDecides(double extreme) =>
        AssertEveryTickDecides(DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0], extreme);

    [Theory]
    [MemberData(nameof(Extremes))]
    public Task Tick_ExtremeDemandAmidNormal_SpotAndServerless_EveryTickDecides(double extreme) =>
        AssertEveryTickDecides(ShippedPolicy("checkout"), extreme);

    [Theory]
    [MemberData(nameof(Extremes))]
    public Task Tick_ExtremeDemandAmidNormal_TargetTracking_EveryTickDecides(double extreme) =>
        AssertEveryTickDecides(DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0] with { Strategy = new StrategyPolicy("target-tracking", new Dictionary<string, double>()) }, extreme);

    [Theory]
    [InlineData("1e5")]
    [InlineData("1e6")]
    [InlineData("1e9")]
    [InlineData("1e300")]
    [InlineData("-1")]
    [InlineData("-1e300")]
    public async Task Tick_TraceWithExtremeRows_ReplaysThroughTheLoopWithoutAFailedTick(string extreme)
    {
        // The trace path (dso simulate, metrics.source: trace) reads the CSV as written: no range check at the door.
        var csv = new StringBuilder("timestamp,value\n");
        for (var minute = 0; minute <= 400; minute++)
        {
            csv.Append(Start.AddMinutes(minute).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append(',')
                .Append(minute is >= 30 and < 40 ? extreme : (300 + (minute % 17)).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        var points = TimeSeriesCsv.Read(new StringReader(csv.ToString()), "extreme.csv");
        var policy = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0];
        var (loop, time, log) = Create(policy, out _, new TraceMetricSource(points));
        var failures = 0;
        for (var minute = 2; minute <= 400; minute++)
        {
            time.Set(Start.AddMinutes(minute));
            failures += (await loop.TickAsync(CancellationToken.None)).Failure is null ? 0 : 1;
        }

        Assert.Equal(0, failures);
        Assert.DoesNotContain(await log.RecentAsync(null, 1000, CancellationToken.None), r => r.Decision.Strategy == ServiceLoop.FailedStrategy);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e999")]
    public void TraceCsv_NonFiniteRow_IsALocatedErrorAtLoad(string value)
    {
        var csv = $"timestamp,value\n2026-03-02T12:00:00Z,1\n2026-03-02T12:01:00Z,{value}\n";

        var error = Assert.Throws<TimeSeriesCsvException>(() => TimeSeriesCsv.Read(new StringReader(csv), "bad.csv"));

        Assert.Contains("bad.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("3", error.Message, StringComparison.Ordinal);
    }

    private static ServicePolicy ShippedPolicy(string name)
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "DsoController.sln")))
        {
            dir = Path.GetDirectoryName(dir)!;
        }

        return Plugins.PolicyLoader().Load(Path.Combine(dir, "policies")).Services.Single(s => s.Name == name);
    }

    private static async Task AssertEveryTickDecides(ServicePolicy policy, double extreme)
    {
        var (loop, time, log) = Create(policy, out var source);
        var results = new List<TickResult>();
        for (var minute = 1; minute <= 400; minute++)
        {
            source.Next = minute is >= 30 and < 40 ? extreme : 300 + (minute % 17);
            time.Set(Start.AddMinutes(minute));
            results.Add(await loop.TickAsync(CancellationToken.None));
        }

        Assert.All(results, r => Assert.Null(r.Failure));
        Assert.Equal(400, (await log.RecentAsync(null, 1000, CancellationToken.None)).Count);
        var last = results[^1].Decision;
        Assert.False(last.Held);
        Assert.InRange(last.Chosen.Total, policy.Limits.MinInstances, policy.Limits.MaxInstances);
    }

    internal static (ServiceLoop, VirtualTimeProvider, SqliteDecisionLog) Create(ServicePolicy policy, out Scripted source, IMetricSource? instead = null)
    {
        var time = new VirtualTimeProvider(Start);
        var cloud = new SimulatedCloud(time);
        cloud.EnsureGroup(policy.ScaleGroup, new SimulatedGroupSettings(policy.Catalog, policy.BootDelay, policy.BillingMinimum, policy.InitialFleet) { Serverless = policy.Serverless });
        var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:"));
        source = new Scripted();
        var loop = new ServiceLoop(policy, "test", new ServiceLoopDependencies
        {
            Source = instead ?? source,
            Cloud = cloud,
            Log = log,
            Strategy = Plugins.Strategies.Get(policy.Strategy.Name),
            Time = time,
            DetectorFactory = Plugins.DetectorFactory,
            ForecasterFactory = Plugins.ForecasterFactory,
            BilledSpendUsd = () => cloud.CostUsd(policy.ScaleGroup),
        });
        return (loop, time, log);
    }

    internal sealed class Scripted : IMetricSource
    {
        public double Next { get; set; }

        public string Name => "scripted";

        public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken) =>
            Task.FromResult(new KpiReading(now.AddMinutes(-1), new Dictionary<string, double> { [KpiNames.RequestRate] = Next }, SourceHealth.Healthy));
    }
}
