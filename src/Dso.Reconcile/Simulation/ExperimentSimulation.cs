using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Detection;
using Dso.Experiments.Analysis;
using Dso.Experiments.Design;
using Dso.Experiments.Metrics;
using Dso.Forecasting;
using Dso.Ingestion.Trace;
using Dso.Optimization;
using Dso.Policies.Model;
using Dso.Reconcile.Experiments;

namespace Dso.Reconcile.Simulation;

/// <summary>
/// Runs an experiment's variants on a scenario: each alone over the whole trace, then as a switchback in one run
/// (the loop plans with the block's variant, each variant with its own planner), and analyses the switchback's
/// blocks on the experiment's primary metric exactly as the service would.
/// </summary>
public sealed class ExperimentSimulation(
    StrategyRegistry strategies,
    Func<string, IStreamingAnomalyDetector>? detectorFactory,
    Func<IDemandForecaster>? forecasterFactory,
    Func<TimeProvider, ICloudProviderFactory> virtualCloud)
{
    public async Task<ExperimentSimulationResult> RunAsync(
        Scenario scenario,
        ExperimentPolicy experiment,
        Func<IDecisionLog> logFactory,
        IProgress<double>? progress = null,
        int? rowLimit = null,
        CancellationToken cancellationToken = default)
    {
        var service = experiment.Services[0];
        var points = TraceMetricSource.FromFile(scenario.TracePath).Points;
        var templates = experiment.Variants.ToDictionary(v => v.Name, v => v.Policies[service], StringComparer.Ordinal);
        var control = templates[experiment.VariantNames[0]];
        var adjusted = templates.ToDictionary(kv => kv.Key, kv => WithVariantLimits(SimulationRunner.PolicyFor(scenario, kv.Value, points), kv.Value, control), StringComparer.Ordinal);
        var (design, note) = DesignFor(experiment, adjusted.Values.ToList(), points[0].Timestamp);

        var runs = experiment.Variants.Count + 1;
        var wholeTrace = new Dictionary<string, SimulationResult>(StringComparer.Ordinal);
        var index = 0;
        foreach (var variant in experiment.VariantNames)
        {
            var runner = new SimulationRunner(strategies, detectorFactory, forecasterFactory, virtualCloud)
            {
                Adjust = merged => WithVariantLimits(merged, templates[variant], control),
            };
            wholeTrace[variant] = await runner.RunAsync(scenario, templates[variant], logFactory(), Scaled(progress, index++, runs), rowLimit, cancellationToken).ConfigureAwait(false);
        }

        var switchbackRunner = new SimulationRunner(strategies, detectorFactory, forecasterFactory, virtualCloud)
        {
            Arms = _ => new SwitchbackArms(experiment.Name, design, adjusted, strategies),
        };
        var switchback = await switchbackRunner.RunAsync(scenario, templates[design.Control], logFactory(), Scaled(progress, index, runs), rowLimit, cancellationToken).ConfigureAwait(false);
        var accumulator = new BlockMetricsAccumulator(design);
        foreach (var row in switchback.Rows)
        {
            accumulator.Observe(row.Start, row.End, row.Demand, row.ServingCapacity, row.HourlyCost, row.Action);
        }

        var end = switchback.Rows.Count > 0 ? switchback.Rows[^1].End : design.Start;
        var blocks = accumulator.Blocks(end);
        var options = new AnalysisOptions { Alpha = experiment.Alpha };
        var comparisons = SwitchbackAnalysis.Compare(design, blocks, experiment.PrimaryMetric, options);
        progress?.Report(1);
        return new ExperimentSimulationResult(scenario.Name, design, wholeTrace, switchback, blocks, comparisons, note)
        {
            Alpha = experiment.Alpha,
            NoInterference = PotentialOutcomes.Compare(design, wholeTrace, experiment.PrimaryMetric, options),
            MeasuredTruth = PotentialOutcomes.MeasuredTruth(design, wholeTrace, experiment.PrimaryMetric),
        };
    }

    /// <summary>
    /// The experiment's design on the scenario's clock: it starts with the trace, and its washout and block grow to
    /// the scenario's carry-over when the scenario's boot delay or row length (the tick) make that longer.
    /// </summary>
    public static (SwitchbackDesign Design, string? Note) DesignFor(ExperimentPolicy experiment, IReadOnlyList<ServicePolicy> policies, DateTimeOffset start)
    {
        var tick = policies.Max(p => p.Tick);
        var minimum = policies.Max(p => CarryOver.MinimumWashout(p.BootDelay, p.Limits.ScaleDownStabilization, p.Tick));
        var washout = RoundUp(experiment.Washout > minimum ? experiment.Washout : minimum, tick);
        var block = RoundUp(experiment.BlockLength, tick);
        var smallest = RoundUp(TimeSpan.FromTicks((long)(washout.Ticks / CarryOver.MaxWashoutShare)), tick);
        string? note = null;
        if (block < smallest || washout != experiment.Washout)
        {
            var grown = block < smallest ? smallest : block;
            note = $"on this scenario (tick {CarryOver.Format(tick)}, carry-over {CarryOver.Format(minimum)}) the washout is {CarryOver.Format(washout)} and the block {CarryOver.Format(grown)} (declared {CarryOver.Format(experiment.Washout)} / {CarryOver.Format(experiment.BlockLength)})";
            block = grown;
        }

        return (new SwitchbackDesign { Start = start, BlockLength = block, Washout = washout, Variants = experiment.VariantNames, Seed = experiment.Seed }, note);
    }

    private static TimeSpan RoundUp(TimeSpan span, TimeSpan unit) =>
        unit <= TimeSpan.Zero ? span : TimeSpan.FromTicks((span.Ticks + unit.Ticks - 1) / unit.Ticks * unit.Ticks);

    private static IProgress<double>? Scaled(IProgress<double>? progress, int index, int runs) =>
        progress is null ? null : new Progress<double>(p => progress.Report((index + p) / runs));

    /// <summary>
    /// The scenario sets the service's instance limits; a variant that narrows them (its own <c>limits</c> override,
    /// e.g. a lower <c>max_instances</c>) keeps that narrowing within the scenario's, instead of being silently replaced.
    /// </summary>
    private static ServicePolicy WithVariantLimits(ServicePolicy adjusted, ServicePolicy variant, ServicePolicy control)
    {
        var limits = adjusted.Limits;
        if (variant.Limits.MaxInstances != control.Limits.MaxInstances)
        {
            limits = limits with { MaxInstances = Math.Max(1, Math.Min(limits.MaxInstances, variant.Limits.MaxInstances)) };
        }

        if (variant.Limits.MinInstances != control.Limits.MinInstances)
        {
            limits = limits with { MinInstances = Math.Min(limits.MaxInstances, Math.Max(limits.MinInstances, variant.Limits.MinInstances)) };
        }

        return adjusted with { Limits = limits };
    }
}
