using Dso.Experiments.Analysis;
using Dso.Experiments.Design;
using Dso.Experiments.Metrics;

namespace Dso.Experiments.Guardrails;

/// <summary>
/// Guardrails of a split, where no block pairs exist (each service runs one variant throughout), so the switchback's
/// sign-flip supermartingale has no randomization to stand on. The randomization a split does have is over
/// services, so each check is the one-sided permutation test of "the variant's harm is at most the limit per block"
/// on the services' mean block values so far (<see cref="PermutationTest"/>, τ = limit: exact under the hashed
/// assignment). Checks come after 1, 2, 4, 8, ... complete blocks and the j-th spends α·6/(π²j²) of the false-stop
/// rate (the spends sum to α over any number of checks), so a variant whose harm is at most the limit is stopped
/// with probability at most the rule's rate however long the split runs. A split needs enough services for any
/// check to be able to stop at all: with 3 vs 3 services the smallest one-sided p-value is 1/20.
/// </summary>
public static class SplitGuardrails
{
    public static IReadOnlyList<GuardrailStatus> Evaluate(
        IReadOnlyList<string> variants,
        IReadOnlyDictionary<string, string> assignment,
        IEnumerable<(string Service, BlockMetrics Block)> blocks,
        IEnumerable<GuardrailRule> rules,
        ulong seed,
        int draws = AnalysisOptions.DefaultDraws)
    {
        // Only blocks a service ran with its assigned variant: after a stop its blocks run control out of turn.
        var complete = blocks.Where(b => b.Block.Complete && assignment.TryGetValue(b.Service, out var v) && v == b.Block.Variant).ToList();
        var statuses = new List<GuardrailStatus>();
        foreach (var rule in rules)
        {
            foreach (var variant in variants.Skip(1))
            {
                statuses.Add(EvaluateOne(variants[0], variant, assignment, complete, rule, SplitMix64.Mix(seed, (ulong)variant.Length * 31 + (ulong)rule.Metric), draws));
            }
        }

        return statuses;
    }

    /// <summary>The share of the false-stop rate the j-th check (1-based) may spend.</summary>
    public static double Spend(double rate, int check) => rate * 6 / (Math.PI * Math.PI * check * check);

    private static GuardrailStatus EvaluateOne(
        string control, string variant, IReadOnlyDictionary<string, string> assignment, List<(string Service, BlockMetrics Block)> blocks, GuardrailRule rule, ulong seed, int draws)
    {
        var arms = blocks.Where(b => assignment[b.Service] == variant || assignment[b.Service] == control).ToList();
        // Blocks every service of the two arms has completed, in time order: each check compares the same span.
        var perService = arms.GroupBy(b => b.Service, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToDictionary(b => b.Block.Block, b => b.Block.Value(rule.Metric)), StringComparer.Ordinal);
        var common = perService.Count == 0 ? []
            : perService.Values.Select(d => (IEnumerable<long>)d.Keys).Aggregate((a, b) => a.Intersect(b)).Order().ToList();
        var variantServices = perService.Keys.Where(s => assignment[s] == variant).Order(StringComparer.Ordinal).ToList();
        var controlServices = perService.Keys.Where(s => assignment[s] == control).Order(StringComparer.Ordinal).ToList();
        double excess = 0, evidence = 1, threshold = 1 / rule.FalseStopRate;
        long? stoppedAt = null;
        var check = 0;
        for (var length = 1; length <= common.Count && variantServices.Count > 0 && controlServices.Count > 0; length *= 2)
        {
            check++;
            var span = common.Take(length).ToList();
            var v = variantServices.Select(s => span.Average(b => perService[s][b])).ToList();
            var c = controlServices.Select(s => span.Average(b => perService[s][b])).ToList();
            var p = new PermutationTest(v, c, draws, seed).PValue(rule.Limit, oneSidedGreater: true);
            excess = v.Average() - c.Average();
            evidence = 1 / p;
            threshold = 1 / Spend(rule.FalseStopRate, check);
            if (evidence >= threshold)
            {
                stoppedAt = span[^1];
                break;
            }
        }

        if (stoppedAt is null && common.Count > 0 && variantServices.Count > 0 && controlServices.Count > 0)
        {
            excess = variantServices.Average(s => common.Average(b => perService[s][b])) - controlServices.Average(s => common.Average(b => perService[s][b]));
        }

        return new GuardrailStatus(variant, rule.Metric, rule.Limit, rule.FalseStopRate, common.Count, excess, evidence, threshold, stoppedAt is not null, stoppedAt);
    }
}
