namespace Dso.Forecasting.Model;

/// <summary>
/// When to retrain: first as soon as there is enough history, then each time history grows by half (young models saw
/// little), then every retrain interval (and at least <see cref="ForecasterOptions.MinPointsBetweenRetrains"/> points),
/// and early on drift: the model clearly worse than the seasonal baseline on the same recent forecasts, or the
/// interval coverage off target by more than 15 points. Drift retrains are spaced by a quarter interval so a
/// persistently hard stretch cannot retrain every tick.
/// </summary>
internal sealed class RetrainSchedule
{
    private const double GrowthFactor = 1.5;
    private const int MinGrowthSpacing = 24;
    private const double CoverageTolerance = 0.15;
    private readonly ForecasterOptions _options;
    private long _lastTrainIndex = -1;
    private long _lastAttemptIndex = -1;

    public RetrainSchedule(ForecasterOptions options)
    {
        _options = options;
    }

    /// <summary>The reason to train now at origin t, or null.</summary>
    public string? Due(long t, bool hasModel, long firstUsableIndex, TimeSpan step, AnchorBook book)
    {
        if (t + 1 < _options.MinTrainingPoints || t < firstUsableIndex)
        {
            return null;
        }

        var interval = Math.Max(_options.MinPointsBetweenRetrains, (long)Math.Round(_options.RetrainInterval / step));
        var spacing = Math.Max(1, interval / 4);
        var sinceTrain = t - _lastTrainIndex;
        if (!hasModel)
        {
            return _lastAttemptIndex < 0 || t - _lastAttemptIndex >= spacing ? "initial" : null;
        }

        if (sinceTrain >= interval)
        {
            return "schedule";
        }

        if (t + 1 >= GrowthFactor * (_lastTrainIndex + 1) && sinceTrain >= Math.Min(spacing, MinGrowthSpacing))
        {
            return "growth";
        }

        return sinceTrain >= spacing && Drifted(book, sinceTrain) ? "drift" : null;
    }

    public void Attempted(long t) => _lastAttemptIndex = t;

    public void Trained(long t) => _lastTrainIndex = t;

    private bool Drifted(AnchorBook book, long sinceTrain)
    {
        // Judge only forecasts mostly made by the current model, and compare with the baseline on the same targets:
        // absolute error moves with the time of day, "worse than the baseline" does not.
        if (sinceTrain < _options.AccuracyWindow / 2 || book.Accuracy.Count < _options.AccuracyWindow / 2)
        {
            return false;
        }

        var worse = book.Accuracy.MeanAbsoluteError > _options.DriftMaseRatio * book.BaselineAccuracy.MeanAbsoluteError;
        var miscalibrated = Math.Abs(book.Accuracy.Coverage - _options.IntervalCoverage) > CoverageTolerance;
        return worse || miscalibrated;
    }
}
