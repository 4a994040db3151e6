namespace Dso.Forecasting.Model;

/// <summary>
/// Rolling absolute error and interval coverage of the published forecasts at one horizon step, over the last N
/// resolved forecasts. MASE divides by the series' in-sample seasonal-naive error, so it reads the same on any scale.
/// </summary>
internal sealed class AccuracyTracker
{
    private readonly double[] _errors;
    private readonly bool[] _covered;
    private int _count;
    private int _next;
    private double _errorSum;
    private int _coveredCount;

    public AccuracyTracker(int window)
    {
        _errors = new double[window];
        _covered = new bool[window];
    }

    public int Count => _count;

    public double MeanAbsoluteError => _count == 0 ? double.NaN : _errorSum / _count;

    public double Coverage => _count == 0 ? double.NaN : (double)_coveredCount / _count;

    public void Add(double absoluteError, bool covered)
    {
        if (_count == _errors.Length)
        {
            _errorSum -= _errors[_next];
            _coveredCount -= _covered[_next] ? 1 : 0;
        }
        else
        {
            _count++;
        }

        _errors[_next] = absoluteError;
        _covered[_next] = covered;
        _errorSum += absoluteError;
        _coveredCount += covered ? 1 : 0;
        _next = (_next + 1) % _errors.Length;
    }

    /// <summary>
    /// MASE's denominator: in-sample one-step seasonal-naive error (season = one day; one step when history is shorter
    /// than a day) over the last <paramref name="window"/> points up to t.
    /// </summary>
    public static double SeasonalNaiveScale(SeriesHistory history, long t, long window)
    {
        var day = history.StepsPerDay;
        var lag = t - Math.Max(history.FirstAvailable, t - window) > day + 10 ? day : 1;
        var from = Math.Max(history.FirstAvailable + lag, t - window);
        double sum = 0;
        long n = 0;
        for (var i = from; i <= t; i++)
        {
            sum += Math.Abs(history.Value(i) - history.Value(i - lag));
            n++;
        }

        return n > 0 && sum > 0 ? sum / n : double.NaN;
    }
}
