namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Upper-quantile demand per coming row (index 0 = the next row), the features behind the last row's bound, which
/// of them set it, and the calibrated multipliers (NaN = unused).
/// </summary>
internal sealed record OutlookResult(double[] Upper, double[] Features, int Binding, bool Calibrated, double Quantile, double[] Multipliers)
{
    public double Peak => Upper.Max();

    /// <summary>The policy's coverage quantile; <see cref="Quantile"/> is lower when the budget forced it down.</summary>
    public double TargetQuantile { get; init; } = double.NaN;

    /// <summary>The recurring-burst clock in force, for explanations (null when none).</summary>
    public string? BurstClock { get; init; }

    /// <summary>The binding feature's term is <c>f + m·√f</c> (counting noise) rather than <c>m·f</c>.</summary>
    public bool SqrtTerm { get; init; }

    /// <summary>The reactive rule's capacity the bound was raised to while self-correction follows the rule (NaN: not following).</summary>
    public double RuleCapacity { get; init; } = double.NaN;

    /// <summary>
    /// Highest bound over the look-ahead rows past <see cref="Upper"/> (the rows the next ticks' plans add), which scale-in
    /// also covers; 0 without a look-ahead.
    /// </summary>
    public double Ahead { get; init; }

    /// <summary>Which look-ahead row (1-based, counted like <see cref="Upper"/>'s) set <see cref="Ahead"/>, and the feature that set it.</summary>
    public (int Row, int Binding) AheadAt { get; init; }

    /// <summary>The cap that set the last row's bound below the fit's (see <see cref="DemandOutlook.MaxBoundOverPeak"/>), with its arithmetic; null when it did not.</summary>
    public string? Capped { get; init; }

    /// <summary>
    /// Why the last row's bound is above the fit's: the burst the occupancy profile expects there, up to the budget's
    /// ceiling (<c>budget_expected_bursts</c>); null when it is not.
    /// </summary>
    public string? ExpectedBurst { get; init; }

    /// <summary>
    /// "fitted on the 3.2 days since demand last exceeded 12071 rps": set when the fit left out the samples of a regime
    /// that ended (see <see cref="EnvelopeCalibrator.EndedAbove"/>); null when it did not.
    /// </summary>
    public string? FittedSince { get; init; }

    /// <summary>The multiplier over the recent level used while the calibration is not fitted.</summary>
    public double WarmupHeadroom { get; init; } = double.NaN;

    /// <summary>
    /// "p98 demand 1062 rps (recent mean 483.2 rps + 26.33 x sqrt(483.2))": the bound and the arithmetic that gives it,
    /// in the form the calibrated term really has, so a reader can redo the sum.
    /// </summary>
    public string Describe()
    {
        var what = Binding == DemandOutlook.BurstFeature && BurstClock is { } clock ? clock : DemandOutlook.FeatureNames[Binding];
        var f = Features[Binding];
        var m = Multipliers[Binding];
        var level = Features[DemandOutlook.LevelFeature];
        var latest = Features[DemandOutlook.LatestFeature];
        string basis;
        if (!Calibrated)
        {
            basis = $"warm-up: the higher of recent mean {level:0.#} and latest peak {latest:0.#} rps x{WarmupHeadroom:0.##}";
        }
        else
        {
            var term = SqrtTerm ? Math.Max(0, f + (m * Math.Sqrt(Math.Max(f, 1)))) : m * f;
            var arithmetic = SqrtTerm ? $"{what} {f:0.#} rps + {m:0.00#} x sqrt({Math.Max(f, 1):0.#})" : $"{what} {f:0.#} rps x{m:0.00#}";

            // The outlook never bounds below the demand served now, so a fit stale after an outage cannot shrink the fleet.
            basis = ExpectedBurst is { } burst && !(RuleCapacity >= Upper[^1] - 0.05)
                ? $"{burst}; the fit gave {term:0.#} from {arithmetic}"
                : Upper[^1] > term + 0.05 && !(RuleCapacity >= Upper[^1] - 0.05)
                ? $"not below the demand served now, the lower of recent mean {level:0.#} and latest peak {latest:0.#} rps; the fit gave {term:0.#} from {arithmetic}"
                : Capped is { } cap && Upper[^1] < term - 0.05
                    ? $"{cap}; the fit gave {term:0.#} from {arithmetic}"
                    : arithmetic;
        }

        var degraded = (Quantile < TargetQuantile ? $", budget allows p{Quantile * 100:0.#} not p{TargetQuantile * 100:0.#}" : "")
            + (Calibrated && FittedSince is { } since ? $", {since}" : "");
        if (RuleCapacity >= Upper[^1] - 0.05)
        {
            return $"demand {Upper[^1]:0.#} rps (the reactive rule's capacity: self-correction follows the rule while this policy is losing the episode to it; the envelope's p{Quantile * 100:0.#}: {basis}{degraded})";
        }

        return $"p{Quantile * 100:0.#} demand {Upper[^1]:0.#} rps ({basis}{degraded})";
    }
}
