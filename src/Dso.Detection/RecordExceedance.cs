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
    private readonly RingBuffer _delay;
    private readonly bool _upper;
    private readonly bool _lower;
    private readonly int _minHistory;
    private long _count;
    private long _lastRecord = -1;

    public RecordExceedance(int lookBack, int delay, int minHistory, bool upper, bool lower)
    {
        _delay = new RingBuffer(Math.Max(delay, 1));
        _extremes = new SlidingExtremes(lookBack);
        _minHistory = minHistory;
        _upper = upper;
        _lower = lower;
    }

    /// <summary>
    /// Points since the last record that counted (see <see cref="Mark"/>), or the whole history: a record after
    /// a long quiet spell means more than one in a series that keeps breaking its own records.
    /// </summary>
    public long Gap => _count - Math.Max(_lastRecord, 0);

    /// <summary>Counts the latest record as one that ends the quiet spell.</summary>
    public void Mark() => _lastRecord = _count;

    /// <summary>Adds a feature value; returns its exceedance (0 when inside the past range) and its direction.</summary>
    public (double Exceedance, int Direction) Update(double feature)
    {
        _count++;
        var result = (0.0, 0);
        if (_extremes.Count >= _minHistory && _extremes.Count > 0)
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

        // The extremes lag the present by a few points: a slow slide to a new level is measured against where
        // the series stood before the slide began, not against the previous point of the slide.
        if (_delay.Count == _delay.Capacity)
        {
            _extremes.Add(_delay[0]);
        }

        _delay.Add(feature);
        return result;
    }
}
