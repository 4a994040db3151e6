using Dso.Reconcile;
using Prometheus;

namespace Dso.Controller.Hosting;

/// <summary>Exports each tick to Prometheus: the figures an on-call operator graphs and alerts on.</summary>
internal sealed class PrometheusLoopObserver : ILoopObserver
{
    private static readonly Counter Ticks = Metrics.CreateCounter("dso_ticks_total", "Reconcile ticks run.", "service");
    private static readonly Counter Changes = Metrics.CreateCounter("dso_scaling_actions_total", "Ticks whose decision changed the fleet.", "service");
    private static readonly Counter Failures = Metrics.CreateCounter("dso_tick_failures_total", "Ticks that threw, by the stage that threw (read, resume, detect, forecast, plan, guard, log, apply, observe).", "service", "stage");
    private static readonly Counter Held = Metrics.CreateCounter("dso_held_decisions_total", "Ticks that held the fleet because KPIs were missing.", "service");
    private static readonly Counter Anomalies = Metrics.CreateCounter("dso_anomalies_total", "Anomalous KPI values seen.", "service", "kpi", "action");
    private static readonly Histogram Latency = Metrics.CreateHistogram("dso_decision_latency_seconds", "Time from tick start to a logged decision.",
        new HistogramConfiguration { LabelNames = ["service"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });
    private static readonly Gauge Instances = Metrics.CreateGauge("dso_fleet_instances", "Instances in the chosen fleet.", "service");
    private static readonly Gauge HourlyCost = Metrics.CreateGauge("dso_fleet_hourly_cost_usd", "Hourly price of the chosen fleet.", "service");
    private static readonly Gauge Spent = Metrics.CreateGauge("dso_budget_spent_usd", "Spend so far in the budget period.", "service");
    private static readonly Gauge Projected = Metrics.CreateGauge("dso_budget_projected_usd", "Projected spend at the end of the budget period.", "service");
    private static readonly Gauge Demand = Metrics.CreateGauge("dso_observed_demand_rps", "Request rate observed in the latest interval.", "service");

    private static readonly Gauge Mase = Metrics.CreateGauge("dso_forecast_rolling_mase", "Rolling MASE of the request-rate forecast at the full horizon.", "service");
    private static readonly Gauge Coverage = Metrics.CreateGauge("dso_forecast_interval_coverage", "Rolling share of actuals inside the forecast's p10-p90 interval.", "service");
    private static readonly Gauge Retrains = Metrics.CreateGauge("dso_forecast_retrains", "Forecast model trainings since start.", "service");

    public void OnTickFailed(TickFailure failure) => Failures.WithLabels(failure.Service, failure.Stage).Inc();

    public void OnTick(TickResult result)
    {
        if (result.Accuracy is { } accuracy)
        {
            Mase.WithLabels(result.Decision.Service).Set(accuracy.RollingMase);
            Coverage.WithLabels(result.Decision.Service).Set(accuracy.IntervalCoverage);
            Retrains.WithLabels(result.Decision.Service).Set(accuracy.RetrainCount);
        }

        var d = result.Decision;
        Ticks.WithLabels(d.Service).Inc();
        if (result.StateSaveFailed is not null)
        {
            StateMetrics.WriteFailures.WithLabels(StateMetrics.PlannerState).Inc();
        }

        if (d.IsChange)
        {
            Changes.WithLabels(d.Service).Inc();
        }

        if (d.Held)
        {
            Held.WithLabels(d.Service).Inc();
        }

        foreach (var anomaly in d.Anomalies)
        {
            Anomalies.WithLabels(d.Service, anomaly.Kpi, anomaly.Action).Inc();
        }

        Latency.WithLabels(d.Service).Observe(result.DecisionLatency.TotalSeconds);
        Instances.WithLabels(d.Service).Set(d.Chosen.Total);
        HourlyCost.WithLabels(d.Service).Set((double)d.ChosenHourlyCost);
        Spent.WithLabels(d.Service).Set((double)result.SpentUsd);
        Projected.WithLabels(d.Service).Set((double)result.ProjectedUsd);
        if (d.Kpis.TryGetValue(Abstractions.Metrics.KpiNames.RequestRate, out var rps))
        {
            Demand.WithLabels(d.Service).Set(rps);
        }
    }
}
