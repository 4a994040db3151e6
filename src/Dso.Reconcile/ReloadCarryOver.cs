using Dso.Optimization;
using Dso.Policies.Model;

namespace Dso.Reconcile;

/// <summary>
/// The one place that says what a running service keeps of what it learned when its policy is edited (README,
/// "Policy reloads"). Everything learned from the request rate outlives edits of what the service may spend or
/// run on; only an edit that changes what was learned, or how, resets it:
/// <list type="bullet">
/// <item>no change to this service: everything is kept, the planner object included;</item>
/// <item>tick: everything resets (demand history, calibration and detectors are laid out per tick);</item>
/// <item>strategy name or parameters: the planner starts afresh (its state is shaped by them);</item>
/// <item>metrics source, options or queries: detectors and forecaster start afresh (another series);</item>
/// <item>events file (its path or its content): the forecaster starts afresh (its calendar changed);</item>
/// <item>catalog (instance types, spot, prices, capacities): only per-offering state resets: launch times of
/// offerings added, removed or redefined, and the reactive counterfactual (sized on the catalog);</item>
/// <item>limits or boot delay: the reactive counterfactual and self-correction reset (sized on them); a boot delay
/// that changes how many rows a decision covers also resets the demand calibration;</item>
/// <item>anything else (budget, SLO, billing minimum, provider, approvals, anomaly actions, serverless, team):
/// the planner is rebuilt for the new policy and keeps demand history, calibration, recurring bursts, launch and
/// boot times, the counterfactual, the forecaster and the detectors.</item>
/// </list>
/// </summary>
public static class ReloadCarryOver
{
    /// <summary>What to keep when <paramref name="before"/> is replaced by <paramref name="after"/> (same service).</summary>
    public static ReloadPlan For(ServicePolicy before, ServicePolicy after)
    {
        var edit = PlannerLineage.Of(before).Compare(PlannerLineage.Of(after));
        if (edit.Same)
        {
            return new ReloadPlan(true, null, true, true, "unchanged: everything kept");
        }

        var tick = before.Tick != after.Tick;
        var metrics = before.Metrics.Source != after.Metrics.Source || Key(before.Metrics.Options) != Key(after.Metrics.Options) ||
            Key(before.Metrics.Queries) != Key(after.Metrics.Queries);
        // The same path with other content is an edited calendar too.
        var events = before.EventsFile != after.EventsFile || before.EventsFileHash != after.EventsFileHash;
        var keepDetectors = !tick && !metrics;
        var keepForecaster = !tick && !metrics && !events;
        var series = (keepDetectors ? "" : "detectors reset, ") + (keepForecaster ? "" : "forecaster reset, ");
        if (edit.ResetBy is { } by)
        {
            return new ReloadPlan(false, null, keepDetectors, keepForecaster, $"{series}planner reset ({by} changed)");
        }

        var reset = edit.ChangedOfferings > 0 ? $"launch times of {edit.ChangedOfferings} changed offering(s) and " : "";
        return new ReloadPlan(false, edit.Carry, keepDetectors, keepForecaster,
            $"{series}planner rebuilt keeping demand history and calibration" + (edit.Sizing ? $"; {reset}the reactive counterfactual reset" : "; counterfactual kept"));
    }

    /// <summary>A map as comparable text, in key order (the YAML's order of keys is no edit).</summary>
    internal static string Key<T>(IReadOnlyDictionary<string, T> map) =>
        string.Join("\n", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}
