namespace Dso.Policies.Model;

/// <summary>What an anomaly on a KPI makes the loop do.</summary>
public enum AnomalyAction
{
    AlertOnly,
    ScaleUpNow,
    HoldScaleIn,
    ExcludeFromForecast,
}
