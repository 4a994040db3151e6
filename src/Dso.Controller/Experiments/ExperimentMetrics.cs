using Prometheus;

namespace Dso.Controller.Experiments;

/// <summary>The <c>dso_experiment_*</c> series: what runs now, how far each experiment is, its estimate, and every guardrail stop and promotion.</summary>
internal static class ExperimentMetrics
{
    private static readonly Gauge Variant = Metrics.CreateGauge("dso_experiment_variant",
        "1 for the variant deciding for a service now, 0 for the experiment's other variants.", "experiment", "service", "variant");
    private static readonly Gauge Blocks = Metrics.CreateGauge("dso_experiment_blocks_completed",
        "Complete blocks of an experiment's current run, by the variant that ran them.", "experiment", "variant");
    private static readonly Gauge State = Metrics.CreateGauge("dso_experiment_state",
        "1 for the experiment's current state (scheduled, running, ended, stopped, promoted), 0 for the others.", "experiment", "state");
    private static readonly Gauge Estimate = Metrics.CreateGauge("dso_experiment_estimate_relative",
        "Variant minus control on the primary metric, relative to control's mean block (negative: lower).", "experiment", "variant");
    private static readonly Gauge PValue = Metrics.CreateGauge("dso_experiment_p_value",
        "Holm-adjusted randomization p-value of the variant against control on the primary metric.", "experiment", "variant");
    private static readonly Counter Breaches = Metrics.CreateCounter("dso_experiment_guardrail_breaches_total",
        "Variants stopped by a guardrail.", "experiment", "variant", "metric");
    private static readonly Counter Promotions = Metrics.CreateCounter("dso_experiment_promotions_total",
        "Variants promoted (by on_end: promote or an operator).", "experiment", "variant");

    private static readonly string[] States =
        [ExperimentStates.Scheduled, ExperimentStates.Running, ExperimentStates.Ended, ExperimentStates.Stopped, ExperimentStates.Promoted];

    public static void Publish(ExperimentRun run, DateTimeOffset now)
    {
        var detail = run.Detail(now, null);
        var summary = detail.Experiment;
        foreach (var state in States)
        {
            State.WithLabels(summary.Name, state).Set(state == summary.State ? 1 : 0);
        }

        foreach (var (service, current) in summary.CurrentVariants)
        {
            foreach (var variant in summary.Variants)
            {
                Variant.WithLabels(summary.Name, service, variant).Set(variant == current ? 1 : 0);
            }
        }

        foreach (var variant in detail.Variants)
        {
            Blocks.WithLabels(summary.Name, variant.Name).Set(variant.Blocks);
        }

        foreach (var comparison in detail.Comparisons)
        {
            Estimate.WithLabels(summary.Name, comparison.Variant).Set(comparison.RelativeDifference ?? double.NaN);
            PValue.WithLabels(summary.Name, comparison.Variant).Set(comparison.AdjustedPValue);
        }
    }

    public static void GuardrailBreach(string experiment, string variant, string metric) => Breaches.WithLabels(experiment, variant, metric).Inc();

    public static void Promotion(string experiment, string variant) => Promotions.WithLabels(experiment, variant).Inc();

    /// <summary>An experiment no longer declared stops being exported as running anything.</summary>
    public static void Forget(string experiment)
    {
        foreach (var gauge in new[] { Variant, Blocks, State, Estimate, PValue })
        {
            foreach (var labels in gauge.GetAllLabelValues().Where(l => l[0] == experiment).ToList())
            {
                gauge.RemoveLabelled(labels);
            }
        }
    }
}
