using Dso.Abstractions.Catalog;

namespace Dso.Abstractions.Cloud;

/// <summary>
/// How a desired fleet becomes per-group capacities on a provider with one group per offering, make-before-break:
/// groups are raised at once, but a group is lowered only when every group that keeps or gains instances has all
/// of them ready, so replacements serve before what they replace is stopped. A deferred lowering is retried by
/// the next tick, which reads the fleet again (level-based). Shared by the adapters so they order changes alike.
/// </summary>
public sealed record GroupPlan(IReadOnlyList<GroupChange> Raise, IReadOnlyList<GroupChange> Lower, IReadOnlyList<GroupChange> Deferred)
{
    public bool IsEmpty => Raise.Count == 0 && Lower.Count == 0 && Deferred.Count == 0;

    /// <summary>
    /// Plans <paramref name="desired"/> against <paramref name="actual"/> (one entry per mapped offering). An offering
    /// the binding does not map is an invalid request: the caller's policy and binding disagree.
    /// </summary>
    public static GroupPlan Create(ProviderBinding binding, Fleet desired, IReadOnlyList<GroupCapacity> actual)
    {
        var unmapped = desired.Counts.Keys.Where(o => binding.GroupOf(o) is null).ToList();
        if (unmapped.Count > 0)
        {
            throw new CloudProviderException(
                $"applying plan to scale group '{binding.ScaleGroup}': offering(s) {string.Join(", ", unmapped.Select(o => $"'{o}'"))} have no group in the {binding.Provider} provider block (mapped: {string.Join(", ", binding.Groups.Keys.Order(StringComparer.Ordinal))})",
                CloudErrorKind.InvalidRequest);
        }

        var raise = new List<GroupChange>();
        var lower = new List<GroupChange>();
        var replacementsReady = true;
        foreach (var group in actual)
        {
            var target = desired[group.Offering];
            if (target > group.Capacity)
            {
                raise.Add(new GroupChange(group.Offering, group.Group, group.Capacity, target));
                replacementsReady = false;
            }
            else if (target < group.Capacity)
            {
                lower.Add(new GroupChange(group.Offering, group.Group, group.Capacity, target));
            }
            else if (group.Ready < target)
            {
                replacementsReady = false;
            }
        }

        return replacementsReady ? new GroupPlan(raise, lower, []) : new GroupPlan(raise, [], lower);
    }

    /// <summary>The fleet the groups add up to, and the part of it that serves.</summary>
    public static (Fleet Fleet, Fleet Ready) Sum(IEnumerable<GroupCapacity> groups)
    {
        var list = groups.ToList();
        return (Fleet.Of(list.Select(g => new KeyValuePair<string, int>(g.Offering, g.Capacity))),
                Fleet.Of(list.Select(g => new KeyValuePair<string, int>(g.Offering, Math.Min(g.Ready, g.Capacity)))));
    }

    /// <summary>The decision that changed a group most recently, by its applied-at time.</summary>
    public static string? LastApplied(IEnumerable<GroupCapacity> groups) =>
        groups.Where(g => g.LastAppliedKey is not null).OrderByDescending(g => g.LastAppliedAt ?? DateTimeOffset.MinValue).FirstOrDefault()?.LastAppliedKey;
}
