namespace Dso.Policies.Model;

/// <summary>
/// The rest of the policy's <c>provider:</c> block (the name is <see cref="ServicePolicy.Provider"/>): how
/// decisions are applied, the provider's own settings and which provider group holds each offering. It is the
/// only part of a policy that differs between clouds.
/// </summary>
public sealed record CloudPolicy
{
    public static readonly CloudPolicy Default = new();

    public ApplyMode Mode { get; init; } = ApplyMode.Auto;

    public ApprovalPolicy Approval { get; init; } = ApprovalPolicy.Default;

    /// <summary>Provider settings (region, subscription, resource group, namespace, ...), checked by the provider plug-in.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Offering (<c>c7g.large</c>, <c>c7g.large/spot</c>) to the provider's group name.</summary>
    public IReadOnlyDictionary<string, string> Groups { get; init; } = new Dictionary<string, string>();
}
