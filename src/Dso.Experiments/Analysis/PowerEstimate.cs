using MathNet.Numerics.Distributions;

namespace Dso.Experiments.Analysis;

/// <summary>
/// How many blocks a comparison needs to detect a relative difference, from the spread of the paired block
/// differences seen so far (normal approximation with Guenther's small-sample correction, z²/2 pairs, which
/// makes it close to the t-test and the randomization test it stands for).
/// </summary>
public sealed record PowerEstimate(
    double DetectableRelative,
    double TargetPower,
    double PowerNow,
    int BlocksNeeded,
    int MoreBlocks)
{
    /// <summary>Null with fewer than two complete pairs: no spread to plan from yet.</summary>
    public static PowerEstimate? From(IReadOnlyList<double> pairDifferences, double controlMean, int blocksSoFar, int variantsPerGroup, AnalysisOptions options)
    {
        if (pairDifferences.Count < 2 || controlMean == 0)
        {
            return null;
        }

        var mean = pairDifferences.Average();
        var sd = Math.Sqrt(pairDifferences.Sum(d => (d - mean) * (d - mean)) / (pairDifferences.Count - 1));
        var effect = Math.Abs(controlMean) * options.DetectableRelative;
        var zAlpha = Normal.InvCDF(0, 1, 1 - options.Alpha / 2);
        var zPower = Normal.InvCDF(0, 1, options.TargetPower);
        if (sd <= 0)
        {
            return new PowerEstimate(options.DetectableRelative, options.TargetPower, 1, 2 * variantsPerGroup, Math.Max(0, 2 * variantsPerGroup - blocksSoFar));
        }

        var pairs = Math.Pow((zAlpha + zPower) * sd / effect, 2) + zAlpha * zAlpha / 2;
        var needed = (int)Math.Min(int.MaxValue / 4, Math.Ceiling(pairs)) * variantsPerGroup;
        var powerNow = Normal.CDF(0, 1, effect * Math.Sqrt(pairDifferences.Count) / sd - zAlpha);
        return new PowerEstimate(options.DetectableRelative, options.TargetPower, powerNow, needed, Math.Max(0, needed - blocksSoFar));
    }

    /// <summary>Pairs (groups) needed for a known spread of paired differences, for planning before any data.</summary>
    public static int PairsFor(double sdOfPairDifference, double effect, double alpha, double power)
    {
        var zAlpha = Normal.InvCDF(0, 1, 1 - alpha / 2);
        var zPower = Normal.InvCDF(0, 1, power);
        return (int)Math.Ceiling(Math.Pow((zAlpha + zPower) * sdOfPairDifference / effect, 2) + zAlpha * zAlpha / 2);
    }
}
