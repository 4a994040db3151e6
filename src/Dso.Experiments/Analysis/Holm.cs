namespace Dso.Experiments.Analysis;

/// <summary>
/// Holm's step-down correction: with several variants each compared with control, it keeps the chance of any
/// false "significant" at alpha, and is uniformly more powerful than Bonferroni without assuming independence.
/// </summary>
public static class Holm
{
    /// <summary>Adjusted p-values in the input's order: p_(i) * (m - i + 1), made monotone, capped at 1.</summary>
    public static double[] Adjust(IReadOnlyList<double> pValues)
    {
        var m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ToArray();
        var adjusted = new double[m];
        var running = 0.0;
        for (var rank = 0; rank < m; rank++)
        {
            var i = order[rank];
            running = Math.Max(running, Math.Min(1, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }

        return adjusted;
    }
}
