namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// Self-correction against the counterfactual: the reactive shadow says what target tracking would have cost and left
/// unserved on the same demand, so the optimizer can see, online and per service, when its own model of demand is
/// failing in a way a plain rule would not. Over a sliding window it compares the two tallies and moves a coverage
/// level: up when this policy left more requests unserved than the rule (and the budget can pay for more), back down
/// once it has been safely ahead for a whole window, and below zero when it was dearer than the rule without serving
/// more. Each level sets the envelope's quantile, a headroom factor on the bound and how long scale-in remembers a peak.
/// Every change comes with its reason, which the planner writes into that tick's decision.
/// </summary>
internal sealed class CounterfactualCorrection
{
    public const int MaxLevel = 4;
    public const int MinLevel = -2;

    /// <summary>Headroom added to the demand bound per level above zero (4 levels: x1.32, near reactive's 1/0.7 in effect).</summary>
    public const double HeadroomPerLevel = 0.08;

    /// <summary>Unserved requests within this share of the window's demand count as a tie (noise, not a failure).</summary>
    public const double Tolerance = 0.0002;

    /// <summary>The policy counts as safely ahead when it left at most this share of what the rule would have.</summary>
    public const double AheadRatio = 0.5;

    /// <summary>It counts as dearer when it spent this much more than the rule over the window.</summary>
    public const double DearerRatio = 1.05;

    /// <summary>Windows since the last change, all without a reason to raise, before the level goes down again.</summary>
    public const int LowerAfterWindows = 4;

    /// <summary>Fewest ticks a comparison window spans, whatever the tick (an hourly service needs days of them).</summary>
    private const int MinWindowTicks = 48;

    private static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(6);

    private readonly Queue<Snapshot> _snapshots = new();
    private readonly TimeSpan _window;
    private readonly TimeSpan _raiseSpacing;
    private Snapshot? _atChange;

    public CounterfactualCorrection(TimeSpan tick)
    {
        _window = tick * MinWindowTicks > DefaultWindow ? tick * MinWindowTicks : DefaultWindow;
        _raiseSpacing = _window / 6;
    }

    /// <summary>0 = the policy as configured; above, more coverage; below, less.</summary>
    public int Level { get; private set; }

    public TimeSpan Window => _window;

    /// <summary>The coverage quantile at this level: each level up halves the share of rows allowed to miss, each down doubles it.</summary>
    public double Quantile(double configured)
    {
        var miss = (1 - configured) * Math.Pow(2, -Level);
        return Math.Clamp(1 - miss, 0.6, 0.9999);
    }

    /// <summary>Factor on the demand bound (1 at level 0 and below).</summary>
    public double Headroom => 1 + (HeadroomPerLevel * Math.Max(Level, 0));

    /// <summary>Factor on the scale-in stabilization window: a policy that has been missing demand keeps peaks longer.</summary>
    public int ScaleInFactor => 1 + Math.Max(Level, 0);

    /// <summary>
    /// Takes this tick's tallies (cumulative) and moves the level when the window says so; returns why it moved, or null.
    /// </summary>
    /// <param name="now">The tick.</param>
    /// <param name="own">This policy's spend and unserved requests so far.</param>
    /// <param name="reactive">The reactive rule's, on the same demand.</param>
    /// <param name="budgetRoom">Whether the budget could pay for more coverage (no raise otherwise: that is the budget-bound case).</param>
    public string? Update(DateTimeOffset now, RunningTally own, RunningTally reactive, bool budgetRoom)
    {
        var snapshot = new Snapshot(now, own.Unserved, (double)own.SpentUsd, reactive.Unserved, (double)reactive.SpentUsd, own.Demand);
        _snapshots.Enqueue(snapshot);
        while (_snapshots.Count > 1 && now - _snapshots.Peek().At > _window)
        {
            _snapshots.Dequeue();
        }

        var first = _snapshots.Peek();
        if (now - first.At < _window * 0.99)
        {
            return null; // not a full window yet
        }

        // Judge only what happened since the last change (within the window): misses from before a raise must not
        // raise again, or one bad hour would climb every level.
        if (_atChange is { } changed && changed.At > first.At)
        {
            first = changed;
        }

        var ownUnserved = snapshot.OwnUnserved - first.OwnUnserved;
        var ruleUnserved = snapshot.RuleUnserved - first.RuleUnserved;
        var ownSpent = snapshot.OwnSpent - first.OwnSpent;
        var ruleSpent = snapshot.RuleSpent - first.RuleSpent;
        var demand = Math.Max(snapshot.Demand - first.Demand, 1e-9);
        var noise = Tolerance * demand;
        var since = now - first.At;
        var sinceChange = _atChange is { } last ? now - last.At : TimeSpan.MaxValue;
        var figures = FormattableString.Invariant(
            $"over the last {since.TotalHours:0.#} h this policy left {100 * ownUnserved / demand:0.###}% unserved for ${ownSpent:0.00}, the reactive rule {100 * ruleUnserved / demand:0.###}% for ${ruleSpent:0.00}");
        if (ownUnserved > ruleUnserved + noise && since >= _raiseSpacing)
        {
            if (Level >= MaxLevel || (!budgetRoom && Level >= 0))
            {
                return null;
            }

            return Move(snapshot, +1, figures);
        }

        // Lowering waits for several windows without a raise: the level that stopped the misses is usually the one
        // that keeps them stopped, so going back after one quiet window would only fail again (and oscillate).
        if (since < _window * 0.99 || sinceChange < _window * (LowerAfterWindows - 0.01))
        {
            return null;
        }

        var ahead = ownUnserved <= AheadRatio * ruleUnserved + 1e-9 || ownUnserved <= 0.1 * noise;
        if (Level > 0 && ahead)
        {
            return Move(snapshot, -1, figures + " (safely ahead)");
        }

        // Dearer for the same service: both served (nearly) everything, and this policy paid clearly more for it.
        var dearer = ownSpent > DearerRatio * ruleSpent && ownUnserved <= noise && ruleUnserved <= noise;
        return Level <= 0 && Level > MinLevel && dearer ? Move(snapshot, -1, figures + " (dearer for no better service)") : null;
    }

    private string Move(Snapshot at, int step, string figures)
    {
        Level += step;
        _atChange = at;
        return FormattableString.Invariant(
            $"self-correction: coverage {(step > 0 ? "raised" : "lowered")} to level {Level:+0;-0;0} (headroom x{Headroom:0.00}, scale-in memory x{ScaleInFactor}): {figures}");
    }

    private readonly record struct Snapshot(DateTimeOffset At, double OwnUnserved, double OwnSpent, double RuleUnserved, double RuleSpent, double Demand);
}
