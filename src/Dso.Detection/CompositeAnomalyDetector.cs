namespace Dso.Detection;

/// <summary>
/// The default detector: robust residual against a local or seasonal baseline, range novelty, HTM-style
/// likelihood calibration, then peak suppression. Each stage is a small type; this one only wires them.
/// </summary>
internal sealed class CompositeAnomalyDetector : IStreamingAnomalyDetector
{
    private readonly AnomalyDetectorOptions _options;
    private readonly BaselineResidual _residual;
    private readonly AnomalyLikelihood _localLikelihood;
    private readonly AnomalyLikelihood _seasonalLikelihood;
    private readonly PatternNovelty _novelty;
    private readonly AnomalyLikelihood _noveltyLikelihood;
    private readonly AlertSuppressor _suppressor;
    private readonly FeatureRecords _records;
    private long _count;

    public CompositeAnomalyDetector(AnomalyDetectorOptions options)
    {
        _options = options;
        _residual = new BaselineResidual(options);
        _localLikelihood = new AnomalyLikelihood(options.LikelihoodShortWindow, options.LikelihoodLongWindow, options.LikelihoodMinStd);
        _seasonalLikelihood = new AnomalyLikelihood(options.LikelihoodShortWindow, options.LikelihoodLongWindow, options.LikelihoodMinStd);
        _novelty = new PatternNovelty(options.NoveltyLevels, options.NoveltyMaxOrder, options.HistoryPoints, options.NoveltyRebuildInterval);
        _noveltyLikelihood = new AnomalyLikelihood(options.NoveltyShortWindow, options.LikelihoodLongWindow, options.LikelihoodMinStd);
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
        var z = _residual.Z;
        var evidence = _localLikelihood.Update(Squash(Math.Abs(_residual.LocalZ), _options.RawHalfScoreZ));
        if (!double.IsNaN(_residual.SeasonalZ))
        {
            evidence = Math.Max(evidence, _seasonalLikelihood.Update(Squash(Math.Abs(_residual.SeasonalZ), _options.RawHalfScoreZ)));
        }

        var noveltyEvidence = _noveltyLikelihood.Update(_novelty.Update(value));
        evidence = Math.Max(evidence * _options.ResidualWeight, noveltyEvidence * _options.NoveltyWeight);
        var score = _options.LikelihoodScoreCeiling * evidence / (evidence + _options.LikelihoodHalfScoreEvidence);
        var (excess, recordKind) = _records.Update(value, _residual.LocalError, _residual.SeasonalError, _residual.NoiseScale);
        if (excess > 0)
        {
            // Records fill the band above RecordScoreFloor, everything else stays below it: the ranking NAB-style
            // scoring sees is the same for any floor, while the alert threshold can skip the weakest records.
            score = Math.Max(score, _options.RecordScoreFloor + (1 - _options.RecordScoreFloor) * Math.Min(excess, 1));
        }

        if (_count <= _options.WarmupPoints)
        {
            score = 0;
        }

        score = Math.Clamp(_suppressor.Apply(score), 0, 1);
        var isAnomaly = score >= _options.Threshold && score > 0;
        var kind = !isAnomaly ? AnomalyKind.None : recordKind != AnomalyKind.None ? recordKind : z >= 0 ? AnomalyKind.SpikeUp : AnomalyKind.SpikeDown;
        return new AnomalyResult(score, isAnomaly) { Kind = kind };
    }

    /// <summary>z²/(z²+h²): 0 for a perfect prediction, 0.5 at z = h, approaching 1 for huge errors.</summary>
    private static double Squash(double z, double half) => z * z / (z * z + half * half);
}
