using Dso.Experiments.Design;
using Dso.Experiments.Metrics;

namespace Dso.Experiments.Guardrails;

/// <summary>
/// Replays the complete groups of a switchback, in time order, through one <see cref="SequentialGuardrail"/> per
/// variant and rule. Replaying from the blocks (instead of keeping state) gives the same answer after a restart.
/// </summary>
public static class Guardrails
{
    public static IReadOnlyList<GuardrailStatus> Evaluate(SwitchbackDesign design, IEnumerable<BlockMetrics> blocks, IEnumerable<GuardrailRule> rules)
    {
        var complete = blocks.Where(b => b.Complete).ToList();
        var statuses = new List<GuardrailStatus>();
        foreach (var rule in rules)
        {
            foreach (var variant in design.Variants.Skip(1))
            {
                var guardrail = new SequentialGuardrail(rule, variant);
                var groups = complete.Where(b => b.Variant == variant || b.Variant == design.Control)
                    .GroupBy(b => design.GroupOf(b.Block)).OrderBy(g => g.Key);
                foreach (var group in groups)
                {
                    var v = group.FirstOrDefault(b => b.Variant == variant);
                    var c = group.FirstOrDefault(b => b.Variant == design.Control);
                    if (v is not null && c is not null)
                    {
                        guardrail.Observe(group.Key, v.Value(rule.Metric), c.Value(rule.Metric));
                    }
                }

                statuses.Add(guardrail.Status());
            }
        }

        return statuses;
    }

    /// <summary>Variants stopped by any guardrail.</summary>
    public static IReadOnlySet<string> Stopped(IEnumerable<GuardrailStatus> statuses) =>
        statuses.Where(s => s.Stopped).Select(s => s.Variant).ToHashSet(StringComparer.Ordinal);

}
