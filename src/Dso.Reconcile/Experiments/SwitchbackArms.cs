using Dso.Experiments.Design;
using Dso.Optimization;
using Dso.Policies.Model;

namespace Dso.Reconcile.Experiments;

/// <summary>
/// The arms of a switchback on one service: the design names the variant of each block, and each variant keeps one
/// planner for the whole experiment, so what a variant learned carries to its next blocks and never leaks into
/// another variant. Every planner sees every tick (<see cref="Observe"/>): the variant in force plans and acts, the
/// others plan in the shadow, so each learns demand exactly as it would running alone. A variant stopped by a
/// guardrail hands its blocks to control.
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

    /// <summary>The last failure of a shadow plan (it never fails the tick: only the variant in force acts).</summary>
    public string? LastShadowError { get; private set; }

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

        return new VariantArm(experiment, block, variant, policies[variant], PlannerOf(variant));
    }

    public void Observe(PlanningContext context, VariantArm active)
    {
        foreach (var variant in design.Variants)
        {
            if (variant == active.Variant || _stopped.Contains(variant))
            {
                continue;
            }

            try
            {
                _ = PlannerOf(variant).Plan(context with { Shadow = true });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LastShadowError = $"variant '{variant}' failed to plan in the shadow at {context.Now:O}: {ex.Message}";
            }
        }
    }

    public IReadOnlyList<VariantPlanner> Planners() =>
        [.. design.Variants.Select(v => new VariantPlanner($"{experiment}/{v}", policies[v], PlannerOf(v)))];

    private IScalingPlanner PlannerOf(string variant)
    {
        lock (_planners)
        {
            if (!_planners.TryGetValue(variant, out var planner))
            {
                var policy = policies[variant];
                planner = strategies.Get(policy.Strategy.Name).CreatePlanner(policy);
                _planners[variant] = planner;
            }

            return planner;
        }
    }
}
