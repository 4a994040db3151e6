using Dso.Policies.Model;
using Dso.Reconcile.Experiments;

namespace Dso.Reconcile;

/// <summary>
/// Experiments: when the service is in one, each tick plans with the variant its arms name for that moment (the
/// variant's own policy and planner, so what a planner learns stays with its variant) and the guard holds the plan
/// to that variant's policy; the decision names the experiment, block and variant. A promoted winner runs as the
/// service's own policy: its decisions name the variant, with no experiment or block (those mark the experiment's
/// measured blocks, which these decisions are not).
/// </summary>
public sealed partial class ServiceLoop
{
    /// <summary>The experiment arms this loop runs; null runs <see cref="Policy"/> alone. Set between ticks.</summary>
    public IVariantArms? Arms { get; set; }

    /// <summary>The policy a proposal is guarded and priced with: its variant's, else the loop's own.</summary>
    private ServicePolicy PolicyOf(Proposal proposal) => proposal.Arm?.Policy ?? Policy;

    /// <summary>The variant a decision names: its block's, else the promoted winner the service runs, else "default".</summary>
    private string VariantOf(Proposal? proposal) => proposal?.Arm?.Variant ?? Policy.Promoted?.Variant ?? "default";
}
