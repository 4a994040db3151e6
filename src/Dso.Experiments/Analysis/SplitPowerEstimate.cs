using MathNet.Numerics.Distributions;

namespace Dso.Experiments.Analysis;

/// <summary>
/// How far a split is from detecting a relative difference, in both currencies an operator has: more services, or
/// more days on the same services. A service's value (its mean block) varies for two reasons: services differ
/// (between-service variance σ_b², which only more services average out) and blocks are noisy (within-service
/// variance σ_w² over B blocks, which more days shrink). Var(service mean) = σ_b² + σ_w²/B; the difference of arm
/// means needs (z_{α/2} + z_power)² × Var × (1/n_v + 1/n_c) ≤ δ². Services needed use today's Var (normal
/// approximation with Guenther's z²/4 per arm), and never fewer than the randomization test needs to reach α at
/// all; days needed solve for B with today's services, and are null when σ_b² alone is too large (more days cannot
/// help, only more services can). σ_w² is taken net of the hour's common swing and corrected for neighbouring
/// blocks' correlation (<see cref="SplitAnalysis.Units"/>).
/// </summary>
public sealed record SplitPowerEstimate(
    double DetectableRelative,
    double TargetPower,
    int VariantServices,
    int ControlServices,
    double PowerNow,
    int ServicesNeeded,
    int MoreServices,
    int? BlocksPerServiceNeeded,
    int? MoreBlocksPerService)
{
    /// <summary>Null with fewer than three services in the two arms (no spread between services to plan from).</summary>
    /// <param name="variant">Per variant service: its mean block value, its complete blocks, and the variance of that mean due to block noise (<see cref="SplitAnalysis.Units"/>).</param>
    /// <param name="control">The same for control's services.</param>
    public static SplitPowerEstimate? From(
        IReadOnlyList<(double Mean, int Blocks, double NoiseVariance)> variant,
        IReadOnlyList<(double Mean, int Blocks, double NoiseVariance)> control,
        double controlMean,
        AnalysisOptions options)
    {
        int nv = variant.Count, nc = control.Count;
        if (nv < 1 || nc < 1 || nv + nc < 3 || controlMean == 0)
        {
            return null;
        }

        var pooled = (SumSquares(variant.Select(u => u.Mean).ToList()) + SumSquares(control.Select(u => u.Mean).ToList())) / (nv + nc - 2);
        var effect = Math.Abs(controlMean) * options.DetectableRelative;
        var zAlpha = Normal.InvCDF(0, 1, 1 - options.Alpha / 2);
        var z = zAlpha + Normal.InvCDF(0, 1, options.TargetPower);
        var harmonic = 1.0 / nv + 1.0 / nc;
        var powerNow = pooled <= 0 ? 1 : Normal.CDF(0, 1, effect / Math.Sqrt(pooled * harmonic) - zAlpha);

        var perArm = pooled <= 0 ? 2 : (int)Math.Min(int.MaxValue / 4, Math.Ceiling(2 * pooled * z * z / (effect * effect) + zAlpha * zAlpha / 4));
        perArm = Math.Max(perArm, SmallestArmForAlpha(options.Alpha));
        var needed = 2 * perArm;

        var all = variant.Concat(control).ToList();
        var blocks = all.Average(u => u.Blocks);
        // Noise per block (variance of a service's mean times its blocks): B blocks bring it to noise / B.
        var noise = all.Where(u => u.Blocks > 1).Select(u => u.NoiseVariance * u.Blocks).DefaultIfEmpty(0).Average();
        var between = Math.Max(0, pooled - noise / Math.Max(1, blocks));
        var target = effect * effect / (z * z) / harmonic;
        int? blocksNeeded = between >= target ? null
            : noise <= 0 ? (int)Math.Ceiling(blocks)
            : (int)Math.Min(int.MaxValue / 4, Math.Ceiling(noise / (target - between)));
        return new SplitPowerEstimate(
            options.DetectableRelative, options.TargetPower, nv, nc, powerNow, needed, Math.Max(0, needed - nv - nc),
            blocksNeeded, blocksNeeded is { } b ? Math.Max(0, b - (int)Math.Floor(blocks)) : null);
    }

    /// <summary>Services per arm below which even a perfect separation cannot reach α (two-sided: 2 / C(2n, n) ≥ α).</summary>
    public static int SmallestArmForAlpha(double alpha)
    {
        var n = 1;
        while (2 / PermutationTest.Choose(2 * n, n) >= alpha)
        {
            n++;
        }

        return n;
    }

    private static double SumSquares(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean));
    }
}
