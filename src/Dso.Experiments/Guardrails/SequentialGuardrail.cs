namespace Dso.Experiments.Guardrails;

/// <summary>
/// A sequential test that may be checked after every group of blocks and still stops a harmless variant with
/// probability at most the rule's false-stop rate. It works on the group's paired difference d = variant - control
/// minus the limit. If the variant's true harm is exactly the limit in every block, then, given the magnitudes |d|,
/// the signs are independent fair coins (the design orders each group at random), so S = Σ d is a sum of
/// Rademacher-signed terms. For any λ, exp(λS - λ²V/2) with V = Σ d² is then a supermartingale (cosh x ≤ e^{x²/2});
/// mixing λ over N(0, c) gives the e-process M = exp(c S² / (2(1 + cV))) / sqrt(1 + cV), and Ville's inequality
/// bounds the chance M ever reaches 1/α by α (a mixture SPRT, as in Robbins 1970 and Johari et al. 2017, here
/// conditional on the magnitudes, so exact without a normality or variance assumption). The variant is stopped
/// only when the evidence points to harm (S &gt; 0), which can only lower the false-stop rate. Smaller harm makes
/// stopping rarer still. c is set from the first non-zero magnitude (fixed once, a function of the magnitudes
/// only) so the test is most sensitive after about <see cref="SensitiveAfterPairs"/> pairs.
/// </summary>
public sealed class SequentialGuardrail(GuardrailRule rule, string variant)
{
    public const int SensitiveAfterPairs = 10;

    private double _sum;
    private double _squares;
    private double _mixture = double.NaN;
    private double _excess;
    private int _pairs;
    private long? _stoppedAt;

    public GuardrailRule Rule => rule;

    public bool Stopped => _stoppedAt is not null;

    /// <summary>Adds one complete group's blocks; once stopped, further groups change nothing.</summary>
    public bool Observe(long group, double variantValue, double controlValue)
    {
        if (Stopped)
        {
            return true;
        }

        var d = variantValue - controlValue - rule.Limit;
        _pairs++;
        _excess += variantValue - controlValue;
        _sum += d;
        _squares += d * d;
        if (double.IsNaN(_mixture) && d != 0)
        {
            _mixture = 1.0 / (SensitiveAfterPairs * d * d);
        }

        if (_sum > 0 && Evidence >= 1 / rule.FalseStopRate)
        {
            _stoppedAt = group;
        }

        return Stopped;
    }

    /// <summary>The e-value so far (1 with no evidence); reaching 1/α stops the variant.</summary>
    public double Evidence => double.IsNaN(_mixture)
        ? 1
        : Math.Exp(_mixture * _sum * _sum / (2 * (1 + _mixture * _squares))) / Math.Sqrt(1 + _mixture * _squares);

    public GuardrailStatus Status() => new(
        variant, rule.Metric, rule.Limit, rule.FalseStopRate, _pairs,
        _pairs > 0 ? _excess / _pairs : 0, Evidence, 1 / rule.FalseStopRate, Stopped, _stoppedAt);
}
