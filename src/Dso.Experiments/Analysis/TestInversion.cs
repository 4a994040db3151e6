namespace Dso.Experiments.Analysis;

/// <summary>
/// A confidence interval by inverting a test: the interval holds every effect τ the test does not reject at
/// <c>alpha</c>. Both the switchback and the split randomization tests invert the same way, one side at a time.
/// </summary>
internal static class TestInversion
{
    /// <summary>
    /// The edge of the interval on one side (-1 below, +1 above <paramref name="center"/>): doubling steps out until
    /// the test rejects, then bisection; null when nothing is rejected on that side (too few units to reject any τ).
    /// </summary>
    public static double? Bound(Func<double, double> pValue, double center, int side, double spread, double alpha)
    {
        double inside = center, step = spread, outside = center + side * step;
        var expansions = 0;
        while (pValue(outside) >= alpha)
        {
            inside = outside;
            step *= 2;
            outside = center + side * step;
            if (++expansions > 40)
            {
                return null;
            }
        }

        for (var i = 0; i < 50 && Math.Abs(outside - inside) > 1e-7 * spread; i++)
        {
            var mid = (inside + outside) / 2;
            if (pValue(mid) >= alpha)
            {
                inside = mid;
            }
            else
            {
                outside = mid;
            }
        }

        return (inside + outside) / 2;
    }
}
