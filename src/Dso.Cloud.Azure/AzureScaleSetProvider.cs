using System.Globalization;
using Dso.Abstractions.Cloud;
using Microsoft.Extensions.Logging;

namespace Dso.Cloud.Azure;

/// <summary>
/// One service's fleet on Azure: a Virtual Machine Scale Set per offering, its capacity (sku.capacity) as that
/// offering's count. VMs whose provisioning state is Succeeded are ready, those still creating are booting.
/// Setting a capacity is level-based (re-reading first), so a retry after a lost answer changes nothing twice.
/// </summary>
internal sealed class AzureScaleSetProvider(ProviderBinding binding, ScaleSetApi api, TimeProvider time, ILogger logger) : ICloudProvider
{
    /// <summary>Tag with the id of the decision that last changed the scale set.</summary>
    public const string DecisionTag = "dso-decision";

    /// <summary>Tag with when that decision was applied (round-trip format).</summary>
    public const string AppliedAtTag = "dso-applied-at";

    public string Name => AzureProviderFactory.ProviderName;

    public async Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken)
    {
        CheckScaleGroup(scaleGroup);
        var groups = await ReadGroupsAsync(cancellationToken).ConfigureAwait(false);
        var (fleet, ready) = GroupPlan.Sum(groups.Select(g => g.Capacity));
        return new FleetState(scaleGroup, fleet, ready, GroupPlan.LastApplied(groups.Select(g => g.Capacity)));
    }

    public async Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken)
    {
        CheckScaleGroup(request.ScaleGroup);
        var groups = await ReadGroupsAsync(cancellationToken).ConfigureAwait(false);
        var plan = GroupPlan.Create(binding, request.Desired, [.. groups.Select(g => g.Capacity)]);
        var launched = 0;
        var stopped = 0;
        var pending = new List<string>();
        foreach (var change in plan.Raise.Concat(plan.Lower))
        {
            var doing = $"setting VM scale set '{api.ResourceGroup}/{change.Group}' to capacity {change.To} for decision '{request.IdempotencyKey}'";
            try
            {
                var (delta, completed) = await SetCapacityAsync(change, request.IdempotencyKey, cancellationToken).ConfigureAwait(false);
                if (change.To > change.From)
                {
                    launched += delta;
                }
                else
                {
                    stopped += delta;
                }

                if (!completed)
                {
                    pending.Add(change.Group);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw ArmErrors.Map(ex, doing, cancellationToken);
            }
        }

        foreach (var change in plan.Deferred)
        {
            AzureLog.ScaleInDeferred(logger, api.ResourceGroup, change.Group, change.From, change.To);
        }

        var after = await ReadGroupsAsync(cancellationToken).ConfigureAwait(false);
        var failed = after.Where(g => string.Equals(g.Status.ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase)).Select(g => g.Capacity.Group).ToList();
        var (fleet, _) = GroupPlan.Sum(after.Select(g => g.Capacity));
        var message = $"raised {launched}, lowered {stopped} VMs in resource group '{api.ResourceGroup}'";
        if (pending.Count > 0)
        {
            message += $"; still provisioning: {string.Join(", ", pending)}";
        }

        if (failed.Count > 0)
        {
            message += $"; provisioning state Failed: {string.Join(", ", failed)}";
        }

        if (plan.Deferred.Count > 0)
        {
            message += "; scale-in of " + string.Join(", ", plan.Deferred.Select(d => $"{d.Group} {d.From}->{d.To}")) + " waits until replacements are ready";
        }

        var status = plan.Deferred.Count > 0 || failed.Count > 0 ? ApplyStatus.Partial
            : launched + stopped == 0 ? ApplyStatus.NoChange
            : ApplyStatus.Applied;
        return new ApplyResult(status, fleet, launched, stopped, message);
    }

    /// <summary>Re-reads the set (level-based: nothing to do when it already has the target) and PATCHes its capacity.</summary>
    private async Task<(int Delta, bool Completed)> SetCapacityAsync(GroupChange change, string decisionId, CancellationToken cancellationToken)
    {
        var current = await api.ReadAsync(change.Group, cancellationToken).ConfigureAwait(false);
        if (current.Capacity == change.To)
        {
            return (0, true);
        }

        var tags = new Dictionary<string, string>
        {
            [DecisionTag] = decisionId,
            [AppliedAtTag] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
        };
        var completed = await api.SetCapacityAsync(change.Group, change.To, current.Tags, tags, cancellationToken).ConfigureAwait(false);
        AzureLog.Scaled(logger, api.ResourceGroup, change.Group, current.Capacity, change.To, decisionId, completed);
        return ((int)Math.Abs(change.To - current.Capacity), completed);
    }

    private async Task<IReadOnlyList<(GroupCapacity Capacity, ScaleSetStatus Status)>> ReadGroupsAsync(CancellationToken cancellationToken)
    {
        var groups = new List<(GroupCapacity, ScaleSetStatus)>(binding.Groups.Count);
        foreach (var (offering, name) in binding.Groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var doing = $"reading VM scale set '{api.ResourceGroup}/{name}' (offering '{offering}' of scale group '{binding.ScaleGroup}')";
            try
            {
                var status = await api.ReadAsync(name, cancellationToken).ConfigureAwait(false);
                var key = status.Tags.GetValueOrDefault(DecisionTag);
                var at = status.Tags.GetValueOrDefault(AppliedAtTag) is { } text
                    && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : (DateTimeOffset?)null;
                groups.Add((new GroupCapacity(offering, name, status.Billed, status.Ready, key, at), status));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw ArmErrors.Map(ex, doing, cancellationToken);
            }
        }

        return groups;
    }

    private void CheckScaleGroup(string scaleGroup)
    {
        if (!string.Equals(scaleGroup, binding.ScaleGroup, StringComparison.Ordinal))
        {
            throw new CloudProviderException($"scale group '{scaleGroup}' is not bound to this Azure provider (it serves '{binding.ScaleGroup}')", CloudErrorKind.NotFound);
        }
    }
}
