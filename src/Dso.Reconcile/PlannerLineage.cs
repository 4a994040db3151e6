using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dso.Optimization;
using Dso.Policies.Model;

namespace Dso.Reconcile;

/// <summary>
/// What a planner's learned state depends on in a policy, as hashes: the whole policy, the tick, the strategy and its
/// parameters, each offering of the catalog, and the sizing (limits, boot delay). A reload compares the policy before
/// and after an edit; a restart compares the lineage stored with the saved state against the policy now. Both keep
/// what <see cref="Compare"/> says, so an edit made while the service was down keeps what a reload would have kept.
/// </summary>
public sealed record PlannerLineage
{
    public required string Policy { get; init; }

    public required string Tick { get; init; }

    public required string Strategy { get; init; }

    public required IReadOnlyDictionary<string, string> Offerings { get; init; }

    public required string Sizing { get; init; }

    public static PlannerLineage Of(ServicePolicy policy) => new()
    {
        Policy = Hash(PolicyFingerprint.Of(policy)),
        Tick = policy.Tick.ToString("c"),
        Strategy = Hash(policy.Strategy.Name + "\n" + ReloadCarryOver.Key(policy.Strategy.Parameters)),
        Offerings = policy.Catalog.Offerings.ToDictionary(o => o.Name, o => Hash(JsonSerializer.Serialize(o)), StringComparer.Ordinal),
        Sizing = Hash(JsonSerializer.Serialize(new { policy.Limits, policy.BootDelay })),
    };

    /// <summary>The lineage as stored beside a saved state.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ServicePolicy, string> Stored = [];

    /// <summary>
    /// <see cref="ToJson"/> of <paramref name="policy"/>'s lineage, computed once per policy object (a save every tick
    /// would otherwise serialize and hash the whole policy each time; a reload brings a new object).
    /// </summary>
    public static string JsonOf(ServicePolicy policy) => Stored.GetValue(policy, p => Of(p).ToJson());

    /// <summary>A stored lineage; null when it is not one (another format, damaged).</summary>
    public static PlannerLineage? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<PlannerLineage>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What of a planner learned under this lineage is valid under <paramref name="after"/>.</summary>
    public PlannerEdit Compare(PlannerLineage after)
    {
        if (Policy == after.Policy)
        {
            return new PlannerEdit(Same: true, ResetBy: null, Carry: null, ChangedOfferings: 0, Sizing: false);
        }

        if (Tick != after.Tick || Strategy != after.Strategy)
        {
            return new PlannerEdit(false, Tick != after.Tick ? "tick" : "strategy", null, 0, false);
        }

        var kept = after.Offerings.Where(o => Offerings.TryGetValue(o.Key, out var was) && was == o.Value).Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var catalog = kept.Count != Offerings.Count || kept.Count != after.Offerings.Count;
        var sizing = catalog || Sizing != after.Sizing;
        return new PlannerEdit(false, null, new PlannerCarryOver { Demand = true, Offerings = kept, Counterfactual = !sizing },
            catalog ? Math.Max(Offerings.Count, after.Offerings.Count) - kept.Count : 0, sizing);
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}

/// <summary>What an edit leaves of a planner's state (see <see cref="PlannerLineage.Compare"/>).</summary>
/// <param name="Same">The policy did not change: all of it.</param>
/// <param name="ResetBy">What changed that resets all of it ("tick", "strategy"); null otherwise.</param>
/// <param name="Carry">What is kept when the policy changed without resetting it.</param>
/// <param name="ChangedOfferings">Offerings added, removed or redefined (their launch times are not kept).</param>
/// <param name="Sizing">Whether catalog, limits or boot delay changed (the reactive counterfactual is not kept).</param>
public sealed record PlannerEdit(bool Same, string? ResetBy, PlannerCarryOver? Carry, int ChangedOfferings, bool Sizing);
