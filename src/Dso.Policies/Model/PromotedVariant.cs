namespace Dso.Policies.Model;

/// <summary>
/// An experiment's winner running as a service's own policy after its promotion. The policy files do not say so
/// (they still declare the service's own policy beside the experiment), so the set in force carries it: its version
/// names the promotion and the service's decisions name the variant.
/// </summary>
public sealed record PromotedVariant(string Experiment, string Variant)
{
    /// <summary>"experiment:variant", the form appended to the policy version.</summary>
    public override string ToString() => $"{Experiment}:{Variant}";
}
