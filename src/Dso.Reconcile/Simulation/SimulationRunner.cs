using System.Diagnostics;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Abstractions.Series;
using Dso.Abstractions.Cloud;
using Dso.Detection;
using Dso.Forecasting;
using Dso.Ingestion.Trace;
using Dso.Optimization;
using Dso.Policies.Model;
using Dso.Reconcile.Experiments;

namespace Dso.Reconcile.Simulation;

/// <summary>
/// Replays a scenario through the service's own <see cref="ServiceLoop"/> on virtual time, against a virtual
/// cloud (the host passes the simulated provider's plug-in; it must meter served capacity and spend). After row i's interval ends the loop ticks once and its decision takes effect at once, which is the
/// evaluator's "decided after row i, effective from row i+1".
/// </summary>
public sealed class SimulationRunner(
    StrategyRegistry strategies,
    Func<string, IStreamingAnomalyDetector>? detectorFactory,
    Func<IDemandForecaster>? forecasterFactory,
    Func<TimeProvider, ICloudProviderFactory> virtualCloud)
{
    /// <summary>Experiment arms for the run's loop (a switchback), built from the scenario's policy; null runs the policy alone.</summary>
    public Func<ServicePolicy, IVariantArms?>? Arms { get; init; }

    /// <summary>Applied to the policy once the scenario is merged into it (an experiment variant's own narrower limits).</summary>
    public Func<ServicePolicy, ServicePolicy>? Adjust { get; init; }

    /// <summary>Charged with the time of each stage of every tick, and of the simulator's own work, when set.</summary>
    public StageTimer? Stages { get; init; }

    /// <summary>
    /// Runs detection and forecasting ahead of the loop on a second thread (<see cref="SensingPipeline"/>); the
    /// decisions are the same either way, the run about a third shorter on two cores. On by default.
    /// </summary>
    public bool Pipelined { get; init; } = true;

    /// <summary>Time the sensing thread spent (null when not pipelined), set by the last run for <c>--profile</c>.</summary>
    public TimeSpan? SensingThreadBusy { get; private set; }

    /// <summary>Ticks of the last run whose signals came from the sensing thread (0 once the loop took over; null when not pipelined).</summary>
    public int? PipelinedTicks { get; private set; }

    /// <summary>Stage names of the simulator's own work, beside the loop's <see cref="TickStage"/>s.</summary>
    public const string SetupStage = "setup (trace, policy, cloud)";

    /// <summary>The simulated cloud's metering of each row and the result row, between the loop's ticks.</summary>
    public const string MeterStage = "simulator (metering)";

    /// <summary>Runs the scenario; <paramref name="rowLimit"/> cuts the trace (the no-look-ahead test uses it).</summary>
    public async Task<SimulationResult> RunAsync(
        Scenario scenario,
        ServicePolicy template,
        IDecisionLog log,
        IProgress<double>? progress = null,
        int? rowLimit = null,
        CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        Stages?.Enter(SetupStage);
        var source = TraceMetricSource.FromFile(scenario.TracePath);
        var points = source.Points;
        var raw = TimeSeriesCsv.ReadRawTimestamps(scenario.TracePath);
        var count = Math.Min(points.Count, rowLimit ?? int.MaxValue);
        var time = new VirtualTimeProvider(points[0].Timestamp);
        var factory = virtualCloud(time);
        var merged = PolicyFor(scenario, template, points);
        var policy = (Adjust?.Invoke(merged) ?? merged) with { Provider = factory.Name };
        var provider = factory.Create(policy.Binding());
        var meter = provider as ICloudMeter
            ?? throw new InvalidOperationException($"provider '{factory.Name}' cannot run simulations: it does not meter served capacity and spend");

        // The budget covers the whole trace, prorated like the evaluator: knowing the period's length is not look-ahead.
        var periodStart = points[0].Timestamp;
        var periodEnd = source.EndOf(points.Count - 1);
        var periodBudget = scenario.BudgetMonthlyUsd * (decimal)((periodEnd - periodStart).TotalDays / 30.0);
        // The loop's tick i runs at the end of row i and reads row i: the sensing thread can read them all beforehand.
        using var pipeline = Pipelined
            ? new SensingPipeline(policy, () => new Sensing(detectorFactory, forecasterFactory?.Invoke()), count,
                i => source.ReadAsync(policy.Name, source.EndOf(i), CancellationToken.None).GetAwaiter().GetResult())
            : null;
        var loop = new ServiceLoop(policy, "scenario:" + scenario.Name, new ServiceLoopDependencies
        {
            Source = source,
            Cloud = provider,
            Log = log,
            Strategy = strategies.Get(policy.Strategy.Name),
            Time = time,
            DetectorFactory = detectorFactory,
            ForecasterFactory = forecasterFactory,
            BudgetPeriod = (_, _) => (periodStart, periodEnd, periodBudget),
            BilledSpendUsd = () => meter.CostUsd(policy.ScaleGroup),
            Stages = Stages,
            Pipeline = pipeline,
        })
        {
            Arms = Arms?.Invoke(policy),
        };

        var rows = new List<SimulationRow>(count);
        double underSeconds = 0, unserved = 0, total = 0, seconds = 0;
        var actions = 0;
        for (var i = 0; i < count; i++)
        {
            Stages?.Enter(MeterStage);
            var start = points[i].Timestamp;
            var end = source.EndOf(i);
            var dt = (end - start).TotalSeconds;
            var capacity = meter.ServingCapacity(policy.ScaleGroup, start, end);
            var state = await provider.GetFleetAsync(policy.ScaleGroup, cancellationToken).ConfigureAwait(false);
            var demand = points[i].Value;
            total += demand * dt;
            seconds += dt;
            if (demand > capacity + 1e-9)
            {
                underSeconds += dt;
                unserved += (demand - capacity) * dt;
            }

            time.Set(end);
            var tick = await loop.TickAsync(cancellationToken).ConfigureAwait(false);
            Stages?.Enter(MeterStage);
            if (tick.Decision.IsChange)
            {
                actions++;
            }

            rows.Add(new SimulationRow(raw[i], demand, capacity, policy.Catalog.HourlyCost(state.Fleet), tick.Decision.Chosen, tick.Decision.Reason)
            {
                Start = start,
                End = end,
                Action = tick.Decision.IsChange,
                Variant = tick.Decision.Variant,
            });
            if (i % 500 == 0)
            {
                progress?.Report((double)i / count);
            }
        }

        Stages?.Stop();
        SensingThreadBusy = pipeline?.Busy;
        PipelinedTicks = pipeline is null ? null : pipeline.Active ? pipeline.Taken : 0;
        progress?.Report(1);
        var summary = new SimulationSummary(
            scenario.Name,
            count,
            seconds / 3600,
            decimal.Round(meter.CostUsd(policy.ScaleGroup), 4),
            decimal.Round(periodBudget, 4),
            100 * underSeconds / Math.Max(seconds, 1e-9),
            100 * unserved / Math.Max(total, 1e-9),
            actions,
            stopwatch.Elapsed);
        return new SimulationResult(rows, summary);
    }

    /// <summary>
    /// The scenario's catalog plus the template's spot offerings of the types it shares with the scenario (same name,
    /// the template's spot price and interruption rate); the scenario's own catalog when the template has no spot.
    /// </summary>
    private static InstanceCatalog WithTemplateSpot(InstanceCatalog catalog, ServicePolicy template)
    {
        if (template.Spot is null || template.Catalog.Spot.Count == 0)
        {
            return catalog;
        }

        var spot = template.Catalog.Spot
            .Where(s => catalog.Contains(s.SpotOf!))
            .Select(s => catalog[s.SpotOf!].Spot(s.PricePerHour, s.InterruptionPerHour));
        return new InstanceCatalog(catalog.Types.Concat(spot));
    }

    /// <summary>The template policy's strategy and safety settings, with the scenario's catalog, limits and budget.</summary>
    public static ServicePolicy PolicyFor(Scenario scenario, ServicePolicy template, IReadOnlyList<TimeSeriesPoint> points)
    {
        var steps = points.Zip(points.Skip(1), (a, b) => b.Timestamp - a.Timestamp).Order().ToList();
        var tick = steps.Count > 0 ? steps[steps.Count / 2] : TimeSpan.FromMinutes(1);
        return template with
        {
            Name = scenario.Name,
            ScaleGroup = scenario.Name,
            Cloud = CloudPolicy.Default,
            Tick = tick,
            Slo = new SloPolicy(scenario.LatencyP95Ms),
            Catalog = WithTemplateSpot(scenario.Catalog, template),
            BootDelay = scenario.BootDelay,
            BillingMinimum = scenario.BillingMinimum,
            Budget = new BudgetPolicy(scenario.BudgetMonthlyUsd, scenario.BudgetEnforcement),
            Limits = template.Limits with { MinInstances = scenario.MinInstances, MaxInstances = scenario.MaxInstances },
            InitialFleet = scenario.InitialFleet,
            Metrics = template.Metrics with { Source = TraceMetricSource.SourceName },
        };
    }
}
