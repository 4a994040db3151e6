using System.Globalization;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Cloud.Aws.AutoScaling;
using Microsoft.Extensions.Logging;

namespace Dso.Cloud.Aws;

/// <summary>
/// One service's fleet on EC2 Auto Scaling: one group per offering, whose desired capacity is that offering's
/// count. Level-based: every call re-reads the groups (InService instances are ready, Pending ones booting), sets
/// only the desired capacities that differ (so a retried or repeated apply launches nothing twice), raises groups
/// before lowering any and lowers one only when every raised group's instances are InService (make-before-break),
/// and tags each changed group with the decision id so a restarted service reads back what it last applied.
/// Which instances leave on scale-in is the group's own termination policy.
/// <para>
/// The decision id goes on a group twice: as an intent (<c>dso:intent = id|time|target</c>) before its capacity is
/// set, and as <c>dso:decision = id|time</c> after. A crash between setting and confirming leaves the intent, which
/// reads back as applied exactly when the group's desired capacity is the intent's target; a crash before the set
/// leaves an intent whose target the group does not have, which is ignored.
/// </para>
/// </summary>
internal sealed partial class AwsAutoScalingProvider(ProviderBinding binding, AutoScalingApi api, TimeProvider time, ILogger<AwsAutoScalingProvider> logger) : ICloudProvider
{
    public string Name => AwsProviderFactory.ProviderName;

    public async Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken)
    {
        var groups = await ReadAsync($"reading scale group '{scaleGroup}'", cancellationToken).ConfigureAwait(false);
        var (fleet, ready) = GroupPlan.Sum(groups);
        return new FleetState(scaleGroup, fleet, ready, GroupPlan.LastApplied(groups));
    }

    public async Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken)
    {
        var doing = $"applying decision {request.IdempotencyKey} to scale group '{request.ScaleGroup}'";
        var (described, groups) = await DescribeAsync(doing, cancellationToken).ConfigureAwait(false);
        var plan = GroupPlan.Create(binding, request.Desired, groups);
        var changes = plan.Raise.Concat(plan.Lower).ToList();
        var at = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        if (changes.Count > 0)
        {
            await Wrap(doing, () => api.TagGroupsAsync(
                changes.Select(c => (c.Group, $"{request.IdempotencyKey}|{at}|{c.To.ToString(CultureInfo.InvariantCulture)}")).ToList(),
                AwsSettings.IntentTag, cancellationToken)).ConfigureAwait(false);
        }

        var changed = new List<string>();
        foreach (var change in changes)
        {
            var group = described[change.Group];
            await Wrap(doing, async () =>
            {
                // SetDesiredCapacity is refused outside [min, max]; the policy's limits are the guard, so the group's
                // bounds are widened to the target rather than the decision silently not applying.
                if (change.To < group.MinSize || change.To > group.MaxSize)
                {
                    await api.UpdateGroupAsync(change.Group, change.To, Math.Min(group.MinSize, change.To), Math.Max(group.MaxSize, change.To), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await api.SetDesiredCapacityAsync(change.Group, change.To, cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            Log.SetDesired(logger, change.Group, change.From, change.To, request.IdempotencyKey);
            changed.Add(change.Group);
        }

        if (changed.Count > 0)
        {
            await Wrap(doing, () => api.TagGroupsAsync(changed, AwsSettings.DecisionTag, $"{request.IdempotencyKey}|{at}", cancellationToken)).ConfigureAwait(false);
        }

        var after = await ReadAsync(doing, cancellationToken).ConfigureAwait(false);
        var (fleet, _) = GroupPlan.Sum(after);
        var launched = plan.Raise.Sum(c => c.To - c.From);
        var terminated = plan.Lower.Sum(c => c.From - c.To);
        var failures = await FailedLaunchesAsync(plan.Raise, doing, cancellationToken).ConfigureAwait(false);
        var message = $"set {changed.Count} group(s): launched {launched}, terminated {terminated}"
            + (plan.Deferred.Count > 0 ? $"; lowering {string.Join(", ", plan.Deferred.Select(c => $"{c.Group} {c.From}->{c.To}"))} waits until replacements are InService" : "")
            + (failures.Count > 0 ? "; " + string.Join("; ", failures) : "");
        var status = changed.Count == 0 && plan.Deferred.Count == 0 ? ApplyStatus.NoChange
            : plan.Deferred.Count > 0 || failures.Count > 0 ? ApplyStatus.Partial
            : ApplyStatus.Applied;
        return new ApplyResult(status, fleet, launched, terminated, changed.Count == 0 && plan.Deferred.Count == 0 ? "groups already at the desired capacities" : message);
    }

    /// <summary>The newest activity of each raised group, when it failed (e.g. no capacity for the type): the reason goes into the outcome.</summary>
    private async Task<List<string>> FailedLaunchesAsync(IReadOnlyList<GroupChange> raised, string doing, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var change in raised)
        {
            var latest = await Wrap(doing, () => api.LatestActivitiesAsync(change.Group, 1, cancellationToken)).ConfigureAwait(false);
            if (latest.FirstOrDefault() is { StatusCode: "Failed" or "Cancelled" } activity)
            {
                failures.Add($"{change.Group}: {activity.StatusMessage ?? activity.Description}");
            }
        }

        return failures;
    }

    private async Task<IReadOnlyList<GroupCapacity>> ReadAsync(string doing, CancellationToken cancellationToken) =>
        (await DescribeAsync(doing, cancellationToken).ConfigureAwait(false)).Capacities;

    private async Task<(Dictionary<string, AutoScalingGroup> Groups, IReadOnlyList<GroupCapacity> Capacities)> DescribeAsync(string doing, CancellationToken cancellationToken)
    {
        var names = binding.Groups.Values.Distinct(StringComparer.Ordinal).ToArray();
        var described = (await Wrap(doing, () => api.DescribeGroupsAsync(names, cancellationToken)).ConfigureAwait(false))
            .ToDictionary(g => g.Name, StringComparer.Ordinal);
        var missing = binding.Groups.Where(g => !described.ContainsKey(g.Value)).ToList();
        if (missing.Count > 0)
        {
            throw new CloudProviderException(
                $"{doing}: Auto Scaling group(s) {string.Join(", ", missing.Select(m => $"'{m.Value}' (offering {m.Key})"))} not found in {api.Region}",
                CloudErrorKind.NotFound) { ProviderCode = "ValidationError" };
        }

        var capacities = binding.Groups.Select(g =>
        {
            var group = described[g.Value];
            var (key, at) = ReadTag(group);
            // Billed or on its way: the instances the group has, or the desired count while launches catch up.
            return new GroupCapacity(g.Key, g.Value, Math.Max(group.DesiredCapacity, group.Live), group.InService, key, at);
        }).ToList();
        return (described, capacities);
    }

    /// <summary>
    /// The decision that last changed the group: the confirmed tag, or a newer intent when the group has the intent's
    /// target (its capacity was set but the confirmation was never written).
    /// </summary>
    private static (string? Key, DateTimeOffset? At) ReadTag(AutoScalingGroup group)
    {
        var confirmed = group.Tags.TryGetValue(AwsSettings.DecisionTag, out var value) ? Split(value) : (Key: (string?)null, At: (DateTimeOffset?)null);
        if (group.Tags.TryGetValue(AwsSettings.IntentTag, out var intentText)
            && intentText.LastIndexOf('|') is var bar and > 0
            && int.TryParse(intentText[(bar + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var target)
            && target == group.DesiredCapacity
            && Split(intentText[..bar]) is { Key: not null } intent
            && intent.Key != confirmed.Key
            && (confirmed.At is null || intent.At > confirmed.At))
        {
            return intent;
        }

        return confirmed;
    }

    private static (string? Key, DateTimeOffset? At) Split(string value)
    {
        var bar = value.LastIndexOf('|');
        return bar > 0 && DateTimeOffset.TryParse(value[(bar + 1)..], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? (value[..bar], at)
            : (value, null);
    }

    /// <summary>Adds what was in progress to the client's typed errors.</summary>
    private static async Task<T> Wrap<T>(string doing, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (CloudProviderException ex)
        {
            throw new CloudProviderException($"{doing}: {ex.Message}", ex.Kind, ex, ex.RetryAfter) { ProviderCode = ex.ProviderCode };
        }
    }

    private static Task Wrap(string doing, Func<Task> call) => Wrap<bool>(doing, async () =>
    {
        await call().ConfigureAwait(false);
        return true;
    });

    private static partial class Log
    {
        [LoggerMessage(EventId = 4401, Level = LogLevel.Information, Message = "Auto Scaling group {Group}: desired capacity {From} -> {To} (decision {Decision})")]
        public static partial void SetDesired(ILogger logger, string group, int from, int to, string decision);
    }
}
