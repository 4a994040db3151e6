using Dso.Experiments.Design;
using Dso.Optimization;
using Dso.Policies.Model;

namespace Dso.Reconcile.Experiments;

/// <summary>
/// The arms of a switchback on one service: the design names the variant of each block, and each variant keeps one
/// planner for the whole experiment (built on first use), so what a variant learned in its earlier blocks carries to
/// its next ones and never leaks into another variant. A variant stopped by a guardrail hands its blocks to control.
/// </summary>
public sealed class SwitchbackArms(string experiment, SwitchbackDesign design, IReadOnlyDictionary<string, ServicePolicy> policies, StrategyRegistry strategies, DateTimeOffset? end = null)
    : IVariantArms
{
    private readonly Dictionary<string, IScalingPlanner> _planners = new(StringComparer.Ordinal);
    private volatile IReadOnlySet<string> _stopped = new HashSet<string>(StringComparer.Ordinal);

    public string Experiment => experiment;

    public SwitchbackDesign Design => design;

    public DateTimeOffset? End => end;

    /// <summary>Variants whose blocks now run control (stopped by a guardrail).</summary>
    public IReadOnlySet<string> Stopped
    {
        get => _stopped;
        set => _stopped = value;
    }

    public VariantArm? ArmAt(DateTimeOffset now)
    {
        if (now < design.Start || (end is { } e && now >= e))
        {
            return null;
        }

        var block = design.BlockAt(now);
        var variant = design.VariantOf(block);
        if (_stopped.Contains(variant))
        {
            variant = design.Control;
        }

        var policy = policies[variant];
        lock (_planners)
        {
            if (!_planners.TryGetValue(variant, out var planner))
            {
                planner = strategies.Get(policy.Strategy.Name).CreatePlanner(policy);
                _planners[variant] = planner;
            }

            return new VariantArm(experiment, block, variant, policy, planner);
        }
    }
}
