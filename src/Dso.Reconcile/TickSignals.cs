using Dso.Abstractions.Decisions;
using Dso.Forecasting;

namespace Dso.Reconcile;

/// <summary>What one tick's KPIs say before any planning: the anomalies and what they ask of the plan, the demand forecast and its class.</summary>
internal sealed record TickSignals(IReadOnlyList<AnomalyEvent> Anomalies, bool ScaleUpNow, bool HoldScaleIn, DemandForecast? Forecast, DemandScenario? DemandClass)
{
    /// <summary>The forecaster's accuracy right after this tick's forecast (what a tick result reports).</summary>
    public ForecastFigures? Figures { get; init; }
}
