namespace Dso.Forecasting.Model;

/// <summary>
/// Point forecasts at the anchors from one origin, plus what is needed to turn them into quantiles, and the name of
/// what produced them for the decision log ("fasttree v3", "seasonal-baseline", or "fasttree v3+baseline" when mixed).
/// </summary>
internal sealed record AnchorForecast(long Origin, double[] Point, double[] Baseline, double[] ModelPoint, double Noise, ConformalCalibrator.Snapshot[] Residuals, TrainedDemandModel? Model, bool Blended)
{
    /// <summary>Read when a forecast is published, so a model registered since (and so given a version) shows it.</summary>
    public string ModelName => Model is null ? "seasonal-baseline" : Blended ? Model.Name + "+baseline" : Model.Name;
}
