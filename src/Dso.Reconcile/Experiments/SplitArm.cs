using Dso.Experiments.Design;
using Dso.Optimization;
using Dso.Policies.Model;

namespace Dso.Reconcile.Experiments;

/// <summary>
/// A service's one variant in a split: every tick runs it, with one planner for the whole experiment. The block
/// number (the design's time blocks) only labels decisions and metrics; nothing switches at its boundaries, except
/// that once a guardrail stops the variant the service runs control (<see cref="ControlPolicy"/>) from then on.
/// </summary>
public sealed class SplitArm(string experiment, SwitchbackDesign blocks, string variant, ServicePolicy policy, StrategyRegistry strategies, DateTimeOffset? end = null)
    : IVariantArms
{
    private readonly Lazy<IScalingPlanner> _planner = new(() => strategies.Get(policy.Strategy.Name).CreatePlanner(policy));
    private IScalingPlanner? _controlPlanner;
    private volatile IReadOnlySet<string> _stopped = new HashSet<string>(StringComparer.Ordinal);

    public string Variant => variant;

    /// <summary>The control's policy for this service, run once the variant is stopped (null: keep the variant).</summary>
    public ServicePolicy? ControlPolicy { get; init; }

    /// <summary>Variants stopped by a guardrail.</summary>
    public IReadOnlySet<string> Stopped
    {
        get => _stopped;
        set => _stopped = value;
    }

    public VariantArm? ArmAt(DateTimeOffset now)
    {
        if (now < blocks.Start || (end is { } e && now >= e))
        {
            return null;
        }

        if (_stopped.Contains(variant) && ControlPolicy is { } control)
        {
            // Fresh for control: the variant's learned state came from running the variant's policy, not control's.
            _controlPlanner ??= strategies.Get(control.Strategy.Name).CreatePlanner(control);
            return new VariantArm(experiment, blocks.BlockAt(now), blocks.Control, control, _controlPlanner);
        }

        return new VariantArm(experiment, blocks.BlockAt(now), variant, policy, _planner.Value);
    }

    /// <summary>The variant's planner (control's, once a guardrail stopped the variant, starts fresh by design and is not kept).</summary>
    public IReadOnlyList<VariantPlanner> Planners() => [new VariantPlanner($"{experiment}/{variant}", policy, _planner.Value)];

    /// <summary>A split's service runs one variant at every tick: there is no other variant here to show it to.</summary>
    public void Observe(PlanningContext context, VariantArm active)
    {
    }
}
