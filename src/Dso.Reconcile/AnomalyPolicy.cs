using Dso.Abstractions.Metrics;
using Dso.Detection;
using Dso.Policies.Model;

namespace Dso.Reconcile;

/// <summary>
/// What an anomaly does when the policy does not say: an upward request-rate anomaly is a surge (scale up now),
/// a downward one is more often an outage or a broken exporter than vanished users (hold scale-in and keep it
/// out of the forecast); anomalies on other KPIs alert only.
/// </summary>
internal static class AnomalyPolicy
{
    /// <summary>Weight of an anomalous point in forecaster training.</summary>
    public const double AnomalousPointWeight = 0.1;

    public static readonly TimeSpan ForecastHorizon = TimeSpan.FromHours(2);

    public static AnomalyAction ActionFor(ServicePolicy policy, string kpi, AnomalyKind kind, double value, double previous)
    {
        if (policy.AnomalyActions.TryGetValue(kpi, out var configured))
        {
            return configured;
        }

        if (kpi != KpiNames.RequestRate)
        {
            return AnomalyAction.AlertOnly;
        }

        var upward = kind switch
        {
            AnomalyKind.SpikeUp or AnomalyKind.LevelShiftUp => true,
            AnomalyKind.SpikeDown or AnomalyKind.LevelShiftDown => false,
            _ => double.IsNaN(previous) || value >= previous,
        };
        return upward ? AnomalyAction.ScaleUpNow : AnomalyAction.HoldScaleIn;
    }

    public static string Describe(AnomalyAction action) => action switch
    {
        AnomalyAction.ScaleUpNow => "scale_up_now",
        AnomalyAction.HoldScaleIn => "hold_scale_in",
        AnomalyAction.ExcludeFromForecast => "exclude_from_forecast",
        _ => "alert_only",
    };
}
