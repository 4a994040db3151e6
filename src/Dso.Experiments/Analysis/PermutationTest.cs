using Dso.Experiments.Design;

namespace Dso.Experiments.Analysis;

/// <summary>
/// The randomization test of a split: units (services) each ran one label throughout, variant or control, and the
/// hash that assigned them is, for services named before the experiment's name and seed, a uniform independent draw
/// per service; given how many landed in each arm, every relabelling with those sizes was equally likely. Re-drawing
/// those relabellings makes the p-value exact for the sharp null "the variant changes no service's outcome", with no
/// assumption on how service outcomes are distributed (Fisher). Up to <see cref="SplitAnalysis.MaxExact"/>
/// relabellings all are enumerated; beyond, a seeded Monte Carlo draw still gives a valid p-value
/// ((1 + hits) / (1 + draws)). The interval inverts the test under a constant additive effect τ per service.
/// </summary>
internal sealed class PermutationTest
{
    private readonly double[] _values;
    private readonly bool[] _isVariant;
    private readonly int[][] _relabellings;
    private readonly int _k;

    /// <param name="variant">Per unit of the variant, its value.</param>
    /// <param name="control">Per unit of control, its value.</param>
    public PermutationTest(IReadOnlyList<double> variant, IReadOnlyList<double> control, int draws, ulong seed)
    {
        _values = [.. variant, .. control];
        _k = variant.Count;
        _isVariant = [.. variant.Select(_ => true), .. control.Select(_ => false)];
        var n = _values.Length;
        Exact = Choose(n, _k) <= SplitAnalysis.MaxExact;
        if (Exact)
        {
            _relabellings = [.. Combinations(n, _k).Select(c => (int[])c.Clone())];
            return;
        }

        var rng = new SplitMix64(seed);
        var index = Enumerable.Range(0, n).ToArray();
        _relabellings = new int[draws][];
        for (var d = 0; d < draws; d++)
        {
            for (var i = n - 1; i > 0; i--)
            {
                var j = rng.Below(i + 1);
                (index[i], index[j]) = (index[j], index[i]);
            }

            _relabellings[d] = index[.._k];
        }
    }

    public bool Exact { get; }

    /// <summary>Variant mean minus control mean, as observed.</summary>
    public double Observed => Statistic(0, null);

    /// <summary>The smallest p-value any outcome could give with these arm sizes (1 / C(n, k), doubled when two-sided).</summary>
    public double SmallestPValue(bool twoSided) => Exact
        ? Math.Min(1, (twoSided ? 2.0 : 1.0) / _relabellings.Length)
        : 1.0 / (1 + _relabellings.Length);

    /// <summary>Two-sided p-value of "the effect is exactly τ for every unit"; one-sided (larger is worse) when asked.</summary>
    public double PValue(double tau = 0, bool oneSidedGreater = false)
    {
        var observed = Statistic(tau, null);
        var bar = oneSidedGreater ? observed : Math.Abs(observed);
        var tolerance = 1e-9 * (1 + Math.Abs(observed));
        var hits = 0;
        foreach (var relabelling in _relabellings)
        {
            var t = Statistic(tau, relabelling);
            if ((oneSidedGreater ? t : Math.Abs(t)) >= bar - tolerance)
            {
                hits++;
            }
        }

        return Exact ? (double)hits / _relabellings.Length : (1.0 + hits) / (1.0 + _relabellings.Length);
    }

    /// <summary>The 1 - alpha interval for τ; a side is null when no τ is rejected there (too few units).</summary>
    public (double? Low, double? High) Interval(double alpha)
    {
        if (SmallestPValue(twoSided: true) >= alpha)
        {
            return (null, null);
        }

        var center = Observed;
        var mean = _values.Average();
        var spread = Math.Sqrt(_values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, _values.Length - 1)) + 1e-9 * (1 + Math.Abs(mean));
        return (TestInversion.Bound(t => PValue(t), center, -1, spread, alpha), TestInversion.Bound(t => PValue(t), center, +1, spread, alpha));
    }

    /// <summary>
    /// Mean of the relabelled variant units minus mean of the rest, on τ-adjusted values (each variant unit's control
    /// outcome under the hypothesis); null relabelling: the observed labels, so the statistic is observed - τ.
    /// </summary>
    private double Statistic(double tau, int[]? relabelling)
    {
        var n = _values.Length;
        if (_k == 0 || _k == n)
        {
            return 0;
        }

        double total = 0, chosen = 0;
        for (var i = 0; i < n; i++)
        {
            var adjusted = _values[i] - (_isVariant[i] ? tau : 0);
            total += adjusted;
            if (relabelling is null && _isVariant[i])
            {
                chosen += adjusted;
            }
        }

        if (relabelling is not null)
        {
            foreach (var i in relabelling)
            {
                chosen += _values[i] - (_isVariant[i] ? tau : 0);
            }
        }

        return chosen / _k - (total - chosen) / (n - _k);
    }

    internal static double Choose(int n, int k)
    {
        var result = 1.0;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }

    private static IEnumerable<int[]> Combinations(int n, int k)
    {
        var combo = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return combo;
            var i = k - 1;
            while (i >= 0 && combo[i] == n - k + i)
            {
                i--;
            }

            if (i < 0)
            {
                yield break;
            }

            combo[i]++;
            for (var j = i + 1; j < k; j++)
            {
                combo[j] = combo[j - 1] + 1;
            }
        }
    }
}
