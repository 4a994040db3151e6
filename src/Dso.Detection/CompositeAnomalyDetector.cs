namespace Dso.Detection;

/// <summary>
/// The default detector: robust residual against a local or seasonal baseline, range novelty, HTM-style
/// likelihood calibration, then peak suppression. Each stage is a small type; this one only wires them.
/// </summary>
internal sealed class CompositeAnomalyDetector : IStreamingAnomalyDetector
{
    private readonly AnomalyDetectorOptions _options;
    private readonly BaselineResidual _residual;
    private readonly AnomalyLikelihood _likelihood;
    private readonly AlertSuppressor _suppressor;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;
    private long _count;

    public CompositeAnomalyDetector(AnomalyDetectorOptions options)
    {
        _options = options;
        _residual = new BaselineResidual(options);
        _likelihood = new AnomalyLikelihood(options.LikelihoodShortWindow, options.LikelihoodLongWindow, options.LikelihoodMinStd);
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
        var isNovel = IsRangeNovelty(value);
        _residual.Update(value);
        var z = _residual.Z;
        var raw = Squash(Math.Abs(z), _options.RawHalfScoreZ);
        var score = _likelihood.Update(raw);
        if (isNovel)
        {
            score = Math.Max(score, _options.SpatialScore);
        }

        if (_count <= _options.WarmupPoints)
        {
            score = 0;
        }

        score = Math.Clamp(_suppressor.Apply(score), 0, 1);
        var isAnomaly = score >= _options.Threshold && score > 0;
        var kind = isAnomaly ? (z >= 0 ? AnomalyKind.SpikeUp : AnomalyKind.SpikeDown) : AnomalyKind.None;
        return new AnomalyResult(score, isAnomaly) { Kind = kind };
    }

    /// <summary>z²/(z²+h²): 0 for a perfect prediction, 0.5 at z = h, approaching 1 for huge errors.</summary>
    private static double Squash(double z, double half) => z * z / (z * z + half * half);

    private bool IsRangeNovelty(double value)
    {
        var novel = false;
        if (_count > 1)
        {
            var tolerance = _options.SpatialTolerance * (_max - _min);
            novel = value > _max + tolerance || value < _min - tolerance;
        }

        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
        return novel;
    }
}
