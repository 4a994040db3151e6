using System.Numerics;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// A fast, certain rejection test for <see cref="EnvelopeFit"/>'s candidates. The fit's mean cost is a sequential sum
/// (its exact bits choose the multipliers), which runs at the latency of one addition per row; most candidates only
/// need to be shown no better than the best so far. This sums the same per-row terms in SIMD lanes (a different
/// order) and rejects only when even the sequential sum, whatever its rounding, must reach the stop level: both
/// orders of summing n terms ≥ 0 lie within γₙ·Σ of the exact sum (γₙ ≈ n·2⁻⁵³), so the tolerance below covers the
/// difference with room to spare. A candidate not rejected is evaluated exactly as before, so the fit's result is
/// bit for bit the one without this filter.
/// </summary>
internal static class EnvelopeCostFilter
{
    /// <summary>Unit roundoff of a double (2⁻⁵³).</summary>
    private const double UnitRoundoff = 1.1102230246251565e-16;

    /// <summary>Slack on top of the summation bound for the division by n and the comparison.</summary>
    private const double Slack = 1e-14;

    /// <summary>
    /// True when the mean of <c>u + price·max(0, demand − u)</c>, <c>u = max(catch-all term, others)</c>, summed in
    /// row order, is certainly at least <paramref name="stopAt"/>. Requires every term ≥ 0 (others ≥ 0, price ≥ 0);
    /// false (evaluate exactly) whenever that or finiteness is in doubt.
    /// </summary>
    public static bool CertainlyAtLeast(double[] f, double[] root, double[] others, double[] demand, int n, bool sqrt,
        double level, double price, double stopAt)
    {
        if (!(stopAt < double.PositiveInfinity) || n == 0 || !(price >= 0))
        {
            return false;
        }

        var levelV = new Vector<double>(level);
        var priceV = new Vector<double>(price);
        var low = Vector<double>.Zero;
        var sumV = Vector<double>.Zero;
        var width = Vector<double>.Count;
        var r = 0;
        for (; r <= n - width; r += width)
        {
            var fv = new Vector<double>(f, r);
            var ov = new Vector<double>(others, r);
            var term = sqrt ? fv + (levelV * new Vector<double>(root, r)) : levelV * fv;
            var u = Vector.Max(term, ov);
            low = Vector.Min(low, ov);
            sumV += u + (priceV * Vector.Max(Vector<double>.Zero, new Vector<double>(demand, r) - u));
        }

        var sum = Vector.Sum(sumV);
        var lowest = 0.0;
        for (var i = 0; i < width; i++)
        {
            lowest = Math.Min(lowest, low[i]);
        }

        for (; r < n; r++)
        {
            var u = Math.Max(sqrt ? f[r] + (level * root[r]) : level * f[r], others[r]);
            lowest = Math.Min(lowest, others[r]);
            sum += u + (price * Math.Max(0, demand[r] - u));
        }

        if (lowest < 0 || !double.IsFinite(sum))
        {
            return false;
        }

        var tolerance = (2.0 * (n + 8) * UnitRoundoff) + Slack;
        return sum * (1 - tolerance) / n >= stopAt;
    }

    /// <summary>
    /// For each row in order: offers <c>ratio[r]</c> to the heap when <c>others[r] &lt; demand[r]</c> (the other
    /// features miss the row), then raises <c>others[r]</c> to the floor. In SIMD lanes; once the heap is full, an
    /// offer at or below its minimum changes nothing, so only the lanes above it are offered, in row order: the heap
    /// ends exactly as the plain loop leaves it.
    /// </summary>
    public static void OfferMisses(ref BoundedMinHeap heap, int capacity, double[] others, double[] demand, double[] ratio, double floor, int n)
    {
        var floorV = new Vector<double>(floor);
        var width = Vector<double>.Count;
        var r = 0;
        for (; r <= n - width; r += width)
        {
            var raw = new Vector<double>(others, r);
            Vector.Max(raw, floorV).CopyTo(others, r);
            var miss = Vector.LessThan(raw, new Vector<double>(demand, r));
            if (heap.Count >= capacity)
            {
                miss = Vector.AndNot(miss, Vector.LessThanOrEqual(new Vector<double>(ratio, r), new Vector<double>(heap.Min)));
            }

            if (miss == Vector<long>.Zero)
            {
                continue;
            }

            for (var i = 0; i < width; i++)
            {
                if (miss[i] != 0)
                {
                    heap.Offer(ratio[r + i]);
                }
            }
        }

        for (; r < n; r++)
        {
            var raw = others[r];
            others[r] = Math.Max(raw, floor);
            if (raw < demand[r])
            {
                heap.Offer(ratio[r]);
            }
        }
    }

    /// <summary><c>into[r] = max(rest[r], m · column[r])</c> for the first n rows, in SIMD lanes (exact: max and one product per element).</summary>
    public static void MaxScaled(double[] into, double[] rest, double m, double[] column, int n)
    {
        var mV = new Vector<double>(m);
        var width = Vector<double>.Count;
        var r = 0;
        for (; r <= n - width; r += width)
        {
            Vector.Max(new Vector<double>(rest, r), mV * new Vector<double>(column, r)).CopyTo(into, r);
        }

        for (; r < n; r++)
        {
            into[r] = Math.Max(rest[r], m * column[r]);
        }
    }
}
