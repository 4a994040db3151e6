using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dso.Optimization.State;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// The planner's learned state as four sections: the demand record (history, calibrated envelope, recurring bursts,
/// the scale-in and surge timers), launch times, the counterfactual (the reactive shadow, this policy's tally and the
/// self-correction level set from comparing them) and budget pacing. Restored by the same rules as a reload keeps
/// them (<see cref="TakeOver"/>), so a restart under an edited policy keeps what the edit would have kept.
/// </summary>
internal sealed partial class CostOptimizerPlanner
{
    private const string DemandSection = "demand";
    private const string LaunchSection = "launches";
    private const string CounterfactualSection = "counterfactual";
    private const string BudgetSection = "budget";

    /// <summary>What the demand record is laid out by: the tick, the rows a decision covers, the outlook's features and the strategy's parameters.</summary>
    private string Layout => string.Create(CultureInfo.InvariantCulture,
        $"tick={_tick.Ticks};rows={_rows};features={DemandOutlook.FeatureNames.Length};options={Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(_options))))[..16]}");

    public byte[] SaveState() => PlannerState.Write(CostOptimizerStrategy.StrategyName, Layout,
    [
        (DemandSection, SaveDemand),
        (LaunchSection, _boots.Save),
        (CounterfactualSection, w =>
        {
            _reactive.Save(w);
            _own.Save(w);
            _correction.Save(w);
        }),
        (BudgetSection, w =>
        {
            _pacer.Save(w);
            w.Write(_budgetBoundAt);
        }),
    ]);

    public string RestoreState(byte[] state, PlannerCarryOver? carry)
    {
        var saved = PlannerState.Read(state);
        if (saved.Strategy != CostOptimizerStrategy.StrategyName)
        {
            throw new PlannerStateException($"saved by strategy '{saved.Strategy}', not {CostOptimizerStrategy.StrategyName}");
        }

        // Loaded into a planner of its own first: a section that does not fit is left out whole, never half read.
        var donor = new CostOptimizerPlanner(_policy, _options, _solver);
        var left = new List<string>();
        var demand = (carry?.Demand ?? true) && (saved.Layout == Layout
            ? saved.TryLoad(DemandSection, donor.LoadDemand, out var problem) || Left(left, problem)
            : Left(left, "the demand record (learned under another tick, boot delay, set of outlook features or strategy parameters)"));
        var launches = saved.TryLoad(LaunchSection, donor._boots.Load, out problem) || Left(left, problem);
        var counterfactual = (carry?.Counterfactual ?? true) && demand && (saved.TryLoad(CounterfactualSection, r =>
        {
            donor._reactive.Load(r);
            donor._own.Load(r);
            donor._correction.Load(r);
        }, out problem) || Left(left, problem));
        var budget = carry is null && (saved.TryLoad(BudgetSection, r =>
        {
            donor._pacer.Load(r);
            donor._budgetBoundAt = r.Time();
        }, out problem) || Left(left, problem));
        TakeOver(donor, new PlannerCarryOver
        {
            Demand = demand,
            Offerings = launches ? carry?.Offerings ?? _offerings.Select(o => o.Name).Concat(donor._boots.Types).ToHashSet(StringComparer.Ordinal) : new HashSet<string>(),
            Counterfactual = counterfactual,
        }, budget);

        var kept = new List<string>();
        if (demand)
        {
            kept.Add(FormattableString.Invariant($"demand record ({_outlook.History.Count} ticks{(_outlook.Calibrator.Fitted ? ", envelope calibrated" : "")})"));
        }

        if (launches)
        {
            kept.Add($"launch times{(carry is null ? "" : $" of {carry.Offerings.Count} unchanged offering(s)")}");
        }

        if (counterfactual)
        {
            kept.Add($"the reactive counterfactual (so far {_reactive.Tally.Describe()}, this policy {_own.Describe()}) and self-correction level {_correction.Level:+0;-0;0}");
        }

        if (budget)
        {
            kept.Add("budget pacing");
        }

        return (kept.Count > 0 ? $"restored {string.Join(", ", kept)}" : "nothing restored") +
            (left.Count > 0 ? $"; left out: {string.Join("; ", left)}" : "");
    }

    private static bool Left(List<string> left, string? why)
    {
        left.Add(why ?? "unknown");
        return false;
    }

    private void SaveDemand(StateWriter w)
    {
        _outlook.Save(w);
        _rises.Save(w);
        w.Write(_degradedTicks);
        w.Write(_degradedCount);
        w.Write(_degradedSeen);
        w.Write(_lastScaleOut);
        w.Write(_lastScaleIn);
        w.Write(_settleUntil);
        w.Write(_settlePeak);
        w.Write(_surgeUntil);
        w.Write(_surgePeak);
        w.Write(_surgeCause);
        w.Write(_lastNextBound);
        w.Write(_previousDemand);
        w.Write(_lastConsolidation);
        w.Write(_demandSum);
        w.Write(_demandTicks);
        // Last, so that a demand record saved before it was kept still loads (and refits at its next refit).
        w.Write(_outlook.Calibrator.BelowFloorOnly);
        _outlook.Calibrator.SaveEnded(w);
    }

    private void LoadDemand(StateReader r)
    {
        _outlook.Load(r);
        _rises.Load(r);
        r.Into(_degradedTicks);
        _degradedCount = r.Int();
        _degradedSeen = r.Long();
        _lastScaleOut = r.Time();
        _lastScaleIn = r.Time();
        _settleUntil = r.Time();
        _settlePeak = r.Decimal();
        _surgeUntil = r.Time();
        _surgePeak = r.Double();
        _surgeCause = r.String();
        _lastNextBound = r.Double();
        _previousDemand = r.Double();
        _lastConsolidation = r.Time();
        _demandSum = r.Double();
        _demandTicks = r.Long();
        _outlook.Calibrator.BelowFloorOnly = !r.AtEnd && r.Bool();
        _outlook.Calibrator.LoadEnded(r);
    }
}
