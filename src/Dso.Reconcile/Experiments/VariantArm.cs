using Dso.Optimization;
using Dso.Policies.Model;

namespace Dso.Reconcile.Experiments;

/// <summary>One variant at one moment: its resolved policy and its own planner (whose learned state is the variant's).</summary>
public sealed record VariantArm(string Experiment, long Block, string Variant, ServicePolicy Policy, IScalingPlanner Planner);
