namespace Dso.Forecasting.Model;

/// <summary>
/// The horizon steps the model is actually evaluated (and calibrated) at: dense near the origin, roughly doubling
/// further out, always including the last step. Steps in between are interpolated on top of the seasonal baseline,
/// which keeps the per-tick cost to ~a dozen tree evaluations whatever the horizon.
/// </summary>
internal static class HorizonAnchors
{
    public static int[] For(int horizonSteps)
    {
        var anchors = new SortedSet<int>();
        for (var k = 1; k < horizonSteps; k = k < 4 ? k + 1 : (int)Math.Ceiling(k * 1.5))
        {
            anchors.Add(k);
        }

        anchors.Add(Math.Max(1, horizonSteps));
        return anchors.ToArray();
    }

    /// <summary>Anchor indices (lower, upper) around <paramref name="step"/> and the interpolation weight of the upper one.</summary>
    public static (int Lower, int Upper, double Fraction) Bracket(int[] anchors, int step)
    {
        if (step >= anchors[^1])
        {
            return (anchors.Length - 1, anchors.Length - 1, 0);
        }

        var upper = Array.BinarySearch(anchors, step);
        if (upper >= 0)
        {
            return (upper, upper, 0);
        }

        upper = ~upper;
        if (upper == 0)
        {
            return (0, 0, 0);
        }

        var lower = upper - 1;
        return (lower, upper, (double)(step - anchors[lower]) / (anchors[upper] - anchors[lower]));
    }
}
