namespace Dso.Forecasting.Model;

/// <summary>
/// Low / peak thresholds from the series' own last week (event multipliers divided out, so a past campaign does not
/// redefine "peak"). Recomputed at most hourly: sorting a week of points every tick would dominate the tick's cost.
/// </summary>
internal sealed class ScenarioThresholds
{
    private readonly SeriesHistory _history;
    private readonly double _lowQuantile;
    private readonly double _peakQuantile;
    private long _computedAt = -1;
    private (double Low, double Peak) _thresholds;

    public ScenarioThresholds(SeriesHistory history, double lowQuantile, double peakQuantile)
    {
        _history = history;
        _lowQuantile = lowQuantile;
        _peakQuantile = peakQuantile;
    }

    public (double Low, double Peak) At(long t)
    {
        if (_computedAt < 0 || t - _computedAt >= Math.Max(1, _history.StepsPerDay / 24) || t < _computedAt)
        {
            var from = Math.Max(_history.FirstAvailable, t - (7L * _history.StepsPerDay) + 1);
            var recent = new double[Math.Max(0, t - from + 1)];
            for (var i = from; i <= t; i++)
            {
                recent[i - from] = _history.Value(i);
            }

            _thresholds = DemandScenarioClassifier.Thresholds(recent, _lowQuantile, _peakQuantile);
            _computedAt = t;
        }

        return _thresholds;
    }
}
