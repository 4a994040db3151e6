namespace Dso.Forecasting;

/// <summary>
/// Quantile forecasts for the steps after <see cref="Origin"/>: index 0 is the step that starts one
/// <see cref="Step"/> after the last observed point. <see cref="Quantile"/> answers any level, because
/// the optimizer covers demand at a level the policy sets (often above p90).
/// </summary>
public sealed class DemandForecast
{
    private readonly Func<int, double, double> _quantile;

    public DemandForecast(DateTimeOffset origin, TimeSpan step, double[] p50, double[] p10, double[] p90, Func<int, double, double> quantile, string model)
    {
        Origin = origin;
        Step = step;
        P50 = p50;
        P10 = p10;
        P90 = p90;
        _quantile = quantile;
        Model = model;
    }

    public DateTimeOffset Origin { get; }

    public TimeSpan Step { get; }

    public double[] P50 { get; }

    public double[] P10 { get; }

    public double[] P90 { get; }

    /// <summary>Which model produced it (e.g. "seasonal-baseline" or "fasttree v3"), for the decision log.</summary>
    public string Model { get; }

    public int Steps => P50.Length;

    /// <summary>Planned events overlapping the forecast window, so the decision log can say why demand is expected to move.</summary>
    public IReadOnlyList<PlannedEvent> Events { get; init; } = [];

    /// <summary>Per step, the calendar multiplier already applied to the quantiles (1 = no event).</summary>
    public double[] EventMultipliers { get; init; } = [];

    /// <summary>Start time of step <paramref name="stepIndex"/> (index 0 is one step after <see cref="Origin"/>).</summary>
    public DateTimeOffset TimeOf(int stepIndex) => Origin + (Step * (stepIndex + 1));

    /// <summary>The forecast's <paramref name="level"/> quantile (0..1) at step <paramref name="stepIndex"/>.</summary>
    public double Quantile(int stepIndex, double level) => _quantile(stepIndex, level);
}
