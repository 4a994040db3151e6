namespace Dso.Detection;

/// <summary>
/// The default detector. Per point: one-step prediction errors against a local and a seasonal baseline
/// (<see cref="BaselineResidual"/>, period found by FFT autocorrelation), then record-breaking evidence over
/// the value, those errors and short-window statistics (<see cref="FeatureRecords"/>), mapped into a score band,
/// then peak suppression so one incident raises one alert (<see cref="AlertSuppressor"/>).
/// All state is bounded; the per-point cost is O(1) amortised plus a periodic FFT.
/// </summary>
internal sealed class CompositeAnomalyDetector : IStreamingAnomalyDetector
{
    private readonly AnomalyDetectorOptions _options;
    private readonly BaselineResidual _residual;
    private readonly FeatureRecords _records;
    private readonly AlertSuppressor _suppressor;
    private long _count;

    public CompositeAnomalyDetector(AnomalyDetectorOptions options)
    {
        _options = options;
        _residual = new BaselineResidual(options);
        _records = new FeatureRecords(options);
        _suppressor = new AlertSuppressor(options.SuppressionPoints, options.SuppressionDamping);
    }

    public AnomalyResult Observe(DateTimeOffset timestamp, double value)
    {
        // A missing sample carries no evidence either way; skipping it keeps every baseline intact.
        if (!double.IsFinite(value))
        {
            return new AnomalyResult(0, false);
        }

        _count++;
        _residual.Update(value);
        var (strength, kind) = _records.Update(value, _residual.LocalError, _residual.SeasonalError, _residual.SeasonalDifference);

        // Records fill the band from RecordScoreFloor to 1 and everything else scores 0: the ranking (all that
        // NAB-style scoring looks at) is the same for any floor, while the alert threshold skips the weakest records.
        var score = strength > 0 ? _options.RecordScoreFloor + (1 - _options.RecordScoreFloor) * strength : 0;
        if (_count <= _options.WarmupPoints)
        {
            score = 0;
        }

        score = Math.Clamp(_suppressor.Apply(score), 0, 1);
        var isAnomaly = score > 0 && score >= _options.Threshold;
        return new AnomalyResult(score, isAnomaly) { Kind = isAnomaly ? kind : AnomalyKind.None };
    }
}
