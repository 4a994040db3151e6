namespace Dso.Detection;

/// <summary>
/// Lets a score through only when it is a new peak within the recent span, and damps the rest.
/// One incident usually raises scores for many consecutive points; an operator (and NAB) wants one early
/// alert, not a page per point. Working on peaks rather than on a fixed threshold keeps the ranking of
/// scores meaningful for any threshold the caller picks.
/// </summary>
internal sealed class AlertSuppressor
{
    private readonly RingBuffer? _recent;
    private readonly double _damping;

    public AlertSuppressor(int span, double damping)
    {
        _recent = span > 0 ? new RingBuffer(span) : null;
        _damping = damping;
    }

    /// <summary>True when the last score was damped.</summary>
    public bool Suppressed { get; private set; }

    public double Apply(double score)
    {
        if (_recent is null)
        {
            return score;
        }

        var recentPeak = 0.0;
        for (var i = 0; i < _recent.Count; i++)
        {
            recentPeak = Math.Max(recentPeak, _recent[i]);
        }

        Suppressed = score <= recentPeak;
        var output = Suppressed ? score * _damping : score;
        _recent.Add(output);
        return output;
    }
}
