namespace Dso.Detection;

/// <summary>
/// How far a feature goes beyond its own extremes over a long look-back, in units of its range there.
/// A KPI's routine bursts set the bar, so only something bigger than anything recently seen counts:
/// this is what keeps bursty series (tweets, batch CPU) quiet while a genuinely new level, spike size or
/// variance stands out at once, without any distributional assumption.
/// </summary>
internal sealed class RecordExceedance
{
    private readonly SlidingExtremes _extremes;
    private readonly bool _upper;
    private readonly bool _lower;
    private readonly int _minHistory;

    public RecordExceedance(int lookBack, int minHistory, bool upper, bool lower)
    {
        _extremes = new SlidingExtremes(lookBack);
        _minHistory = minHistory;
        _upper = upper;
        _lower = lower;
    }

    /// <summary>Adds a feature value; returns its exceedance (0 when inside the past range) and its direction.</summary>
    public (double Exceedance, int Direction) Update(double feature)
    {
        var result = (0.0, 0);
        if (_extremes.Count >= _minHistory)
        {
            var max = _extremes.Max;
            var min = _extremes.Min;

            // A flat history has no range; measure against its level instead so a first move still registers.
            var range = Math.Max(max - min, 1e-9 + 1e-3 * Math.Max(Math.Abs(max), Math.Abs(min)));
            if (_upper && feature > max)
            {
                result = ((feature - max) / range, 1);
            }
            else if (_lower && feature < min)
            {
                result = ((min - feature) / range, -1);
            }
        }

        _extremes.Add(feature);
        return result;
    }
}
