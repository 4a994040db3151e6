namespace Dso.Experiments.Analysis;

/// <summary>
/// The randomization test of one variant against control, conditional on which blocks of each group ran one of
/// the two: under the design every group's order is a uniform permutation, so given those positions the two labels
/// are exchanged with probability 1/2 (a pair), or the one block is either label with probability 1/2. Re-drawing
/// exactly that distribution makes the p-value exact for the sharp null "this variant changes no block's outcome",
/// with no assumption on how outcomes are distributed or correlated over time (Fisher; Bojinov, Simchi-Levi and
/// Zhao 2023, section 4). Up to <see cref="AnalysisOptions.ExactGroups"/> groups all 2^G assignments are enumerated;
/// beyond, a Monte Carlo draw of them gives a p-value that is still valid ((1 + hits) / (1 + draws)).
/// The interval inverts the test under a constant additive effect τ (Y_variant = Y_control + τ in every block): it
/// is the set of τ the test does not reject at alpha, found by bisection on both sides with the same draws.
/// </summary>
internal sealed class RandomizationTest
{
    private readonly double[] _first;
    private readonly double[] _second;
    private readonly bool[] _firstIsVariant;
    private readonly bool[] _isPair;
    private readonly ulong[][] _draws;
    private readonly bool _exact;

    /// <param name="units">Per group: the variant's and the control's block value, either one null when that group did not run it (yet).</param>
    public RandomizationTest(IReadOnlyList<(double? Variant, double? Control)> units, AnalysisOptions options, ulong seed)
    {
        var list = units.Where(u => u.Variant is not null || u.Control is not null).ToList();
        Groups = list.Count;
        _first = new double[Groups];
        _second = new double[Groups];
        _firstIsVariant = new bool[Groups];
        _isPair = new bool[Groups];
        for (var g = 0; g < Groups; g++)
        {
            var (v, c) = list[g];
            _isPair[g] = v is not null && c is not null;
            _firstIsVariant[g] = v is not null;
            _first[g] = v ?? c!.Value;
            _second[g] = _isPair[g] ? c!.Value : 0;
            Pairs += _isPair[g] ? 1 : 0;
        }

        _exact = Groups <= options.ExactGroups;
        var count = _exact ? 1 << Groups : options.Draws;
        var words = (Groups + 63) / 64;
        _draws = new ulong[count][];
        var rng = new Design.SplitMix64(seed);
        for (var d = 0; d < count; d++)
        {
            _draws[d] = new ulong[Math.Max(1, words)];
            if (_exact)
            {
                _draws[d][0] = (ulong)d;
                continue;
            }

            for (var w = 0; w < words; w++)
            {
                _draws[d][w] = rng.Next();
            }
        }
    }

    public int Groups { get; }

    public int Pairs { get; }

    public bool Exact => _exact;

    /// <summary>Difference of means, variant minus control, as observed.</summary>
    public double Observed => Statistic(0, null);

    /// <summary>The two-sided p-value of "the effect is exactly τ in every block" (τ = 0: no effect).</summary>
    public double PValue(double tau = 0)
    {
        var observed = Math.Abs(Statistic(tau, null));
        var tolerance = 1e-9 * (1 + observed);
        var hits = 0;
        foreach (var draw in _draws)
        {
            if (Math.Abs(Statistic(tau, draw)) >= observed - tolerance)
            {
                hits++;
            }
        }

        return _exact ? (double)hits / _draws.Length : (1.0 + hits) / (1.0 + _draws.Length);
    }

    /// <summary>The 1 - alpha interval for τ; a side is null when no τ is rejected there (too few groups).</summary>
    public (double? Low, double? High) Interval(double alpha)
    {
        var center = Observed;
        var spread = Math.Max(Spread(), 1e-9);
        return (TestInversion.Bound(t => PValue(t), center, -1, spread, alpha), TestInversion.Bound(t => PValue(t), center, +1, spread, alpha));
    }

    private double Spread()
    {
        var all = _first.Concat(_second.Where((_, g) => _isPair[g])).ToArray();
        if (all.Length < 2)
        {
            return Math.Abs(all.FirstOrDefault()) + 1;
        }

        var mean = all.Average();
        return Math.Sqrt(all.Sum(x => (x - mean) * (x - mean)) / (all.Length - 1)) / Math.Sqrt(Math.Max(1, Groups) / 4.0) + 1e-12 * Math.Abs(mean);
    }

    /// <summary>
    /// Variant mean minus control mean of the τ-adjusted outcomes (each block's control outcome under the
    /// hypothesis) with labels exchanged where the draw's bit for the group is set; a null draw is the observed one.
    /// </summary>
    private double Statistic(double tau, ulong[]? draw)
    {
        double sumV = 0, sumC = 0;
        int nV = 0, nC = 0;
        for (var g = 0; g < _first.Length; g++)
        {
            var flip = draw is not null && ((draw[g >> 6] >> (g & 63)) & 1UL) == 1UL;
            var first = _first[g] - (_firstIsVariant[g] ? tau : 0);
            if (_isPair[g])
            {
                var second = _second[g];
                if (flip)
                {
                    (first, second) = (second, first);
                }

                sumV += first;
                sumC += second;
                nV++;
                nC++;
            }
            else if (_firstIsVariant[g] != flip)
            {
                sumV += first;
                nV++;
            }
            else
            {
                sumC += first;
                nC++;
            }
        }

        if (nV == 0 || nC == 0)
        {
            return 0;
        }

        // Under H_tau the variant-labelled blocks would show their control outcome plus tau; subtracting tau again
        // centres the statistic at zero, so the test statistic is (observed difference - tau).
        return sumV / nV - sumC / nC;
    }
}
