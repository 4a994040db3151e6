namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Upper-quantile demand per coming row (index 0 = the next row), the features behind the last row's bound, which
/// of them set it, and the calibrated multipliers (NaN = unused).
/// </summary>
internal sealed record OutlookResult(double[] Upper, double[] Features, int Binding, bool Calibrated, double Quantile, double[] Multipliers)
{
    public double Peak => Upper.Max();

    /// <summary>The policy's coverage quantile; <see cref="Quantile"/> is lower when the budget forced it down.</summary>
    public double TargetQuantile { get; init; } = double.NaN;

    /// <summary>The recurring-burst clock in force, for explanations (null when none).</summary>
    public string? BurstClock { get; init; }

    public string Describe()
    {
        var what = Binding == DemandOutlook.BurstFeature && BurstClock is { } clock ? clock : DemandOutlook.FeatureNames[Binding];
        var basis = Calibrated ? $"{what} {Features[Binding]:0.#} rps x{Multipliers[Binding]:0.00}" : $"warm-up headroom over {what} {Features[Binding]:0.#} rps";
        var degraded = Quantile < TargetQuantile ? $", budget allows p{Quantile * 100:0.#} not p{TargetQuantile * 100:0.#}" : "";
        return $"p{Quantile * 100:0.#} demand {Upper[^1]:0.#} rps ({basis}{degraded})";
    }
}
