using Dso.Abstractions.Catalog;
using Dso.Abstractions.Decisions;
using Dso.Controller.Alerts;
using Dso.Controller.Composition;
using Dso.Controller.Experiments;
using Dso.Controller.Hosting;
using Dso.DecisionLog;
using Dso.Policies.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dso.Core.Tests.Experiments;

/// <summary>
/// The experiment host over a real SQLite decision log, fed with one decision a minute as a loop would log it (the
/// variant its arms name, demand, ready capacity and the fleet's hourly price), on a clock the test moves.
/// </summary>
internal sealed class ExperimentHarness : IDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _path;

    /// <param name="policyYaml">The services (default: the built-in default policy's one service, shop).</param>
    public ExperimentHarness(string directory, string experimentYaml, SqliteDecisionLog? reuse = null, string? policyYaml = null)
    {
        _path = Path.Combine(directory, "decisions.db");
        Store = reuse ?? new SqliteDecisionLog(new SqliteDecisionLogOptions(_path));
        Host = new ExperimentHost(Store, Store, new ServiceClock(Clock, 1),
            new WebhookAlertObserver(Options.Create(new AlertOptions()), null!, NullLogger<WebhookAlertObserver>.Instance),
            NullLogger<ExperimentHost>.Instance);
        Set = new PolicyAdmission(CheckingSourceFactories.Create()).Parse([(DefaultPolicy.Origin, policyYaml ?? DefaultPolicy.Text()), ("experiment.yaml", experimentYaml)]);
        Applied = Host.Overlay(Set);
        Host.Commit(Applied, []);
    }

    public ManualClock Clock { get; } = new(T0);

    public SqliteDecisionLog Store { get; }

    public ExperimentHost Host { get; }

    public PolicySet Set { get; }

    /// <summary>The set as last applied (a promoted winner laid over its services).</summary>
    public PolicySet Applied { get; private set; }

    public ExperimentRun Run => Host.Runs.Single();

    /// <summary>Re-applies the set as the reloader would after a promotion.</summary>
    public void Reapply()
    {
        Applied = Host.Overlay(Set);
        Host.Commit(Applied, []);
    }

    /// <summary>Advances one minute and logs the tick: <paramref name="outcome"/> gives demand, ready capacity and USD/h for the variant deciding.</summary>
    public void Tick(Func<string, long, (double Demand, double Ready, decimal Hourly)> outcome)
    {
        Clock.Now += TimeSpan.FromMinutes(1);
        Log("shop", outcome);
    }

    /// <summary>Advances one minute and logs a tick of each service (a split's services), each with its own variant.</summary>
    public void TickServices(IEnumerable<string> services, Func<string, long, (double Demand, double Ready, decimal Hourly)> outcome)
    {
        Clock.Now += TimeSpan.FromMinutes(1);
        foreach (var service in services)
        {
            Log(service, outcome);
        }
    }

    private void Log(string service, Func<string, long, (double Demand, double Ready, decimal Hourly)> outcome)
    {
        var arm = Run.Arms[service].ArmAt(Clock.Now);
        var (demand, ready, hourly) = outcome(arm?.Variant ?? "default", arm?.Block ?? -1);
        Host.Observe(new ScalingDecision
        {
            Id = $"{service}@{Clock.Now:O}",
            Service = service,
            Timestamp = Clock.Now,
            PolicyVersion = "test",
            Variant = arm?.Variant ?? "default",
            Experiment = arm?.Experiment,
            Block = arm?.Block,
            Kpis = new Dictionary<string, double> { ["request_rate"] = demand },
            Before = Fleet.Empty,
            Chosen = Fleet.Empty,
            ChosenHourlyCost = hourly,
            ReadyCapacityRps = ready,
            Strategy = "test",
            Reason = "test",
        });
    }

    public void Ticks(int minutes, Func<string, long, (double Demand, double Ready, decimal Hourly)> outcome)
    {
        for (var i = 0; i < minutes; i++)
        {
            Tick(outcome);
        }
    }

    public void Dispose() => Store.Dispose();

    internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
