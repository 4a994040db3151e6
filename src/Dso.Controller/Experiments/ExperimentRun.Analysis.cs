using System.Globalization;
using Dso.Controller.Experiments.Views;
using Dso.Experiments.Analysis;
using Dso.Experiments.Design;
using Dso.Experiments.Guardrails;
using Dso.Experiments.Metrics;
using Dso.Policies.Model;
using Dso.Reconcile.Experiments;

namespace Dso.Controller.Experiments;

/// <summary>
/// The run's analysis: guardrails (stop a harmful variant), the comparisons on a metric, the recommendation, and the
/// end of the experiment (promotion when the experiment says so). Results are cached until another block completes.
/// </summary>
internal sealed partial class ExperimentRun
{
    private Analysis? _analysis;

    private sealed record Analysis(int Complete, ExperimentMetric Metric, IReadOnlyList<Comparison> Comparisons, IReadOnlyList<GuardrailStatus> Guardrails);

    /// <summary>Per block (services of a switchback summed), only blocks that ran the design's variant: a stopped variant's blocks ran control out of turn.</summary>
    private List<BlockMetrics> DesignBlocks(DateTimeOffset now) =>
        _ledgers.Values.SelectMany(l => l.Blocks(now))
            .GroupBy(b => b.Block)
            .Select(g => g.Count() == 1 ? g.First() : Sum(g.ToList()))
            .Where(b => Split is not null || b.Variant == Design.VariantOf(b.Block))
            .OrderBy(b => b.Block)
            .ToList();

    /// <summary>A split's blocks per service, only those run with the service's assigned variant (after a stop it runs control).</summary>
    private IEnumerable<(string Service, BlockMetrics Block)> ServiceBlocks(DateTimeOffset now) =>
        _ledgers.SelectMany(kv => kv.Value.Blocks(now).Select(b => (Service: kv.Key, Block: b)))
            .Where(x => Split is not { } split || !split.TryGetValue(x.Service, out var assigned) || assigned == x.Block.Variant);

    private Analysis Analyse(DateTimeOffset now, ExperimentMetric metric)
    {
        var blocks = Split is null ? DesignBlocks(now) : ServiceBlocks(now).Select(b => b.Block).ToList();
        var complete = blocks.Count(b => b.Complete);
        if (_analysis is { } cached && cached.Complete == complete && cached.Metric == metric)
        {
            return cached;
        }

        var options = new AnalysisOptions { Alpha = Policy.Alpha };
        var comparisons = Split is { } split
            ? SplitAnalysis.Compare(Design.Variants, split, ServiceBlocks(now), metric, Design.Seed, options)
            : SwitchbackAnalysis.Compare(Design, blocks, metric, options);
        var guardrails = Split is { } assigned
            ? SplitGuardrails.Evaluate(Design.Variants, assigned, ServiceBlocks(now), Policy.Guardrails, Design.Seed)
            : Guardrails.Evaluate(Design, blocks, Policy.Guardrails);
        var analysis = new Analysis(complete, metric, comparisons, guardrails);
        if (metric == Policy.PrimaryMetric)
        {
            _analysis = analysis;
        }

        return analysis;
    }

    /// <summary>Guardrails, then the end: returns whether the durable record changed.</summary>
    private bool Evaluate(DateTimeOffset now, string service, List<RunEvent> events, out bool reapply)
    {
        reapply = false;
        var changed = false;
        var analysis = Analyse(now, Policy.PrimaryMetric);
        var stopped = _record.StoppedVariants.ToHashSet(StringComparer.Ordinal);
        foreach (var breach in analysis.Guardrails.Where(g => g.Stopped && !stopped.Contains(g.Variant)))
        {
            stopped.Add(breach.Variant);
            events.Add(new RunEvent("experiment_guardrail", service,
                string.Create(CultureInfo.InvariantCulture,
                    $"experiment '{Policy.Name}': variant '{breach.Variant}' stopped by the {ExperimentMetricNames.Of(breach.Metric)} guardrail after {breach.Pairs} block pairs: {breach.MeanExcess:0.###} more per block than control (limit {breach.Limit}), evidence {breach.Evidence:0.#} >= {breach.Threshold:0.#}; its blocks run control from now on"),
                breach.Variant, ExperimentMetricNames.Of(breach.Metric)));
        }

        if (stopped.Count != _record.StoppedVariants.Count)
        {
            _record = _record with { StoppedVariants = stopped.Order(StringComparer.Ordinal).ToList(), Updated = now };
            foreach (var arms in Arms.Values.Select(a => a.Inner).OfType<SwitchbackArms>())
            {
                arms.Stopped = stopped;
            }

            foreach (var arm in Arms.Values.Select(a => a.Inner).OfType<SplitArm>())
            {
                arm.Stopped = stopped;
            }

            changed = true;
        }

        var recommendation = Recommend(now);
        var ended = End is { } end && now >= end;
        // Without an end, an experiment that promotes does so as soon as it has a winner after its minimum duration.
        var promoteNow = Policy.OnEnd == ExperimentOnEnd.Promote && recommendation.Winner is not null && (ended || End is null);
        if (promoteNow)
        {
            PromoteLocked(now, recommendation.Winner!, "on_end: promote", events);
            reapply = _record.State == ExperimentStates.Promoted;
            return true;
        }

        if (ended)
        {
            _record = _record with { State = ExperimentStates.Ended, Updated = now, Note = recommendation.Reason };
            events.Add(new RunEvent("experiment_ended", service, $"experiment '{Policy.Name}' ended: {recommendation.Action}: {recommendation.Reason}", recommendation.Winner));
            return true;
        }

        return changed;
    }

    private ExperimentRecommendation Recommend(DateTimeOffset now)
    {
        if (_record.State == ExperimentStates.Promoted && _record.Winner is { } promoted)
        {
            return new ExperimentRecommendation("promoted", promoted, $"variant '{promoted}' was promoted ({_record.Note}); the services run it") { PolicyChange = PolicyChange(promoted) };
        }

        if (_record.State == ExperimentStates.Stopped)
        {
            return new ExperimentRecommendation("stopped", null, _record.Note);
        }

        var analysis = Analyse(now, Policy.PrimaryMetric);
        var metric = ExperimentMetricNames.Of(Policy.PrimaryMetric);
        var stopped = _record.StoppedVariants;
        var best = analysis.Comparisons
            .Where(c => c.Significant && c.Difference < 0 && !stopped.Contains(c.Variant))
            .OrderBy(c => c.RelativeDifference ?? c.Difference)
            .FirstOrDefault();
        var ran = now - Design.Start;
        if (ran < Policy.MinDuration)
        {
            var hint = best is null ? "" : $" ('{best.Variant}' looks better so far)";
            return new ExperimentRecommendation("wait", null, $"minimum duration {CarryOver.Format(Policy.MinDuration)} not reached ({ran.TotalHours:0.#} h run){hint}");
        }

        if (best is not null)
        {
            return new ExperimentRecommendation("promote", best.Variant, string.Create(CultureInfo.InvariantCulture,
                $"'{best.Variant}' is lower than control on {metric} by {Percent(best.RelativeDifference)} [{Percent(best.RelativeLow)}, {Percent(best.RelativeHigh)}] (p = {best.AdjustedPValue:0.####} after Holm, {best.VariantBlocks} + {best.ControlBlocks} blocks) and passed its guardrails"))
            {
                PolicyChange = PolicyChange(best.Variant),
            };
        }

        var ended = _record.State == ExperimentStates.Ended || (End is { } end && now >= end);
        var more = analysis.Comparisons.Select(c => c.Power?.MoreBlocks).Where(m => m is not null).DefaultIfEmpty(null).Max();
        var need = more is { } n ? $"; about {n} more blocks would detect a 5 % difference" : "";
        if (analysis.Comparisons.Select(c => c.SplitPower).OfType<SplitPowerEstimate>().MaxBy(p => p.MoreServices) is { } split)
        {
            need = $"; about {split.MoreServices} more services would detect a 5 % difference" +
                (split.MoreBlocksPerService is { } days ? $", or about {days} more blocks on each service" : ", and more days on these services cannot (they differ too much from one another)");
        }
        return ended
            ? new ExperimentRecommendation("keep-control", Design.Control, $"no variant was significantly lower than control on {metric}{need}")
            : new ExperimentRecommendation("wait", null, $"no variant is significantly lower than control on {metric} yet{need}");
    }

    /// <summary>The winner's overrides as the YAML to fold into each service's policy (empty overrides: nothing to change).</summary>
    private string? PolicyChange(string variant)
    {
        var v = Policy.Variants.FirstOrDefault(x => x.Name == variant);
        if (v is null)
        {
            return null;
        }

        if (v.IsUnchanged)
        {
            return "";
        }

        var services = Split is { } split ? split.Where(kv => kv.Value == variant).Select(kv => kv.Key).ToList() : Policy.Services.ToList();
        return $"# in {string.Join(", ", services.Select(s => $"service '{s}'"))}, set:\n{OverridesYaml.Format(v.Overrides!)}";
    }

    private static string Percent(double? share) => share is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s * 100:+0.00;-0.00;0.00} %") : "?";

    private static BlockMetrics Sum(IReadOnlyList<BlockMetrics> parts) => parts[0] with
    {
        MeasuredMinutes = parts.Average(p => p.MeasuredMinutes),
        WashoutMinutes = parts.Average(p => p.WashoutMinutes),
        CostUsd = parts.Sum(p => p.CostUsd),
        RequestsServed = parts.Sum(p => p.RequestsServed),
        UnservedRequests = parts.Sum(p => p.UnservedRequests),
        SloViolationMinutes = parts.Sum(p => p.SloViolationMinutes),
        ScalingActions = parts.Sum(p => p.ScalingActions),
        Complete = parts.All(p => p.Complete),
    };
}
