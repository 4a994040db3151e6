using System.Globalization;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Microsoft.Extensions.Logging;

namespace Dso.Cloud.Kubernetes;

/// <summary>
/// One service's fleet on Kubernetes: a Deployment or StatefulSet per offering, its replicas as that offering's
/// count. Replicas are set through the scale subresource with the resourceVersion just read, so a concurrent
/// change (an HPA, a kubectl scale) makes the API server answer 409 and the adapter re-reads and decides again
/// rather than overwriting blindly. Ready replicas are ready; the rest are booting.
/// <para>
/// The decision id is written before the replicas change, as an intent annotation (<c>id|time|replicas</c>), and
/// confirmed after. A crash between the two leaves replicas changed and the intent in place: it reads back as the
/// last applied decision exactly when the workload has the intent's replicas, so a restarted service knows what
/// was last applied; a crash before the change leaves an intent whose replicas the workload does not have, ignored.
/// </para>
/// </summary>
internal sealed class KubernetesWorkloadProvider(
    ProviderBinding binding, WorkloadApi api, TimeProvider time, ILogger logger) : ICloudProvider
{
    /// <summary>Annotation with the id of the decision that last changed the workload.</summary>
    public const string DecisionAnnotation = "dso-controller.io/decision";

    /// <summary>Annotation with when that decision was applied (round-trip format).</summary>
    public const string AppliedAtAnnotation = "dso-controller.io/applied-at";

    /// <summary>Annotation written before the replicas change: <c>decision id|time|replicas</c>.</summary>
    public const string IntentAnnotation = "dso-controller.io/intent";

    /// <summary>Re-reads after a 409 before the conflict is reported (the resilience pipeline may retry further).</summary>
    public const int MaxConflictAttempts = 4;

    public string Name => KubernetesProviderFactory.ProviderName;

    public async Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken)
    {
        CheckScaleGroup(scaleGroup);
        var groups = await ReadGroupsAsync(cancellationToken).ConfigureAwait(false);
        var (fleet, ready) = GroupPlan.Sum(groups);
        return new FleetState(scaleGroup, fleet, ready, GroupPlan.LastApplied(groups));
    }

    public async Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken)
    {
        CheckScaleGroup(request.ScaleGroup);
        var groups = await ReadGroupsAsync(cancellationToken).ConfigureAwait(false);
        var plan = GroupPlan.Create(binding, request.Desired, groups);
        var launched = 0;
        var stopped = 0;
        foreach (var change in plan.Raise)
        {
            launched += await ScaleAsync(change, request.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        }

        foreach (var change in plan.Lower)
        {
            stopped += await ScaleAsync(change, request.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        }

        foreach (var change in plan.Deferred)
        {
            KubernetesLog.ScaleInDeferred(logger, api.Namespace, change.Group, change.From, change.To);
        }

        var after = await ReadGroupsAsync(cancellationToken).ConfigureAwait(false);
        var (fleet, _) = GroupPlan.Sum(after);
        var message = $"raised {launched}, lowered {stopped} replicas in namespace '{api.Namespace}'";
        if (plan.Deferred.Count > 0)
        {
            message += "; scale-in of " + string.Join(", ", plan.Deferred.Select(d => $"{d.Group} {d.From}->{d.To}")) + " waits until replacements are ready";
            return new ApplyResult(ApplyStatus.Partial, fleet, launched, stopped, message);
        }

        return new ApplyResult(launched + stopped == 0 ? ApplyStatus.NoChange : ApplyStatus.Applied, fleet, launched, stopped, message);
    }

    private async Task<IReadOnlyList<GroupCapacity>> ReadGroupsAsync(CancellationToken cancellationToken)
    {
        var groups = new List<GroupCapacity>(binding.Groups.Count);
        foreach (var (offering, name) in binding.Groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var doing = $"reading {api.Kind} '{api.Namespace}/{name}' (offering '{offering}' of scale group '{binding.ScaleGroup}')";
            try
            {
                var status = await api.ReadAsync(name, cancellationToken).ConfigureAwait(false);
                var (key, at) = LastApplied(status);
                groups.Add(new GroupCapacity(offering, name, Math.Max(0, status.Replicas), Math.Max(0, status.ReadyReplicas), key, at));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw KubernetesErrors.Map(ex, doing, cancellationToken);
            }
        }

        return groups;
    }

    /// <summary>The confirmed decision, or a newer intent when the workload has the intent's replicas (the confirmation was never written).</summary>
    private static (string? Key, DateTimeOffset? At) LastApplied(WorkloadStatus status)
    {
        var key = status.Annotation(DecisionAnnotation);
        var at = ParseTime(status.Annotation(AppliedAtAnnotation));
        if (status.Annotation(IntentAnnotation)?.Split('|') is [var intentKey, var intentAt, var replicas]
            && int.TryParse(replicas, NumberStyles.Integer, CultureInfo.InvariantCulture, out var target)
            && target == status.Replicas
            && intentKey != key
            && ParseTime(intentAt) is { } intentTime
            && (at is null || intentTime > at))
        {
            return (intentKey, intentTime);
        }

        return (key, at);
    }

    private static DateTimeOffset? ParseTime(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;

    /// <summary>
    /// Sets one workload's replicas, optimistic: read the scale (with its resourceVersion), replace it, and on 409
    /// read again. Level-based: when the read already shows the target (a retry after a lost answer, or someone
    /// else set it) nothing is written. Returns how many replicas this call changed.
    /// </summary>
    private async Task<int> ScaleAsync(GroupChange change, string decisionId, CancellationToken cancellationToken)
    {
        var doing = $"scaling {api.Kind} '{api.Namespace}/{change.Group}' to {change.To} replicas for decision '{decisionId}'";
        var at = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        try
        {
            await api.AnnotateAsync(change.Group, new Dictionary<string, string>
            {
                [IntentAnnotation] = $"{decisionId}|{at}|{change.To.ToString(CultureInfo.InvariantCulture)}",
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw KubernetesErrors.Map(ex, doing + " (writing the intent annotation)", cancellationToken);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var scale = await api.ReadScaleAsync(change.Group, cancellationToken).ConfigureAwait(false);
                var current = scale.Spec?.Replicas ?? 0;
                if (current == change.To)
                {
                    return 0;
                }

                scale.Spec ??= new k8s.Models.V1ScaleSpec();
                scale.Spec.Replicas = change.To;
                await api.ReplaceScaleAsync(change.Group, scale, cancellationToken).ConfigureAwait(false);
                KubernetesLog.Scaled(logger, api.Namespace, change.Group, current, change.To, decisionId);
                await api.AnnotateAsync(change.Group, new Dictionary<string, string>
                {
                    [DecisionAnnotation] = decisionId,
                    [AppliedAtAnnotation] = at,
                }, cancellationToken).ConfigureAwait(false);
                return Math.Abs(change.To - current);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var mapped = KubernetesErrors.Map(ex, doing, cancellationToken);
                if (mapped.Kind != CloudErrorKind.Conflict || attempt >= MaxConflictAttempts)
                {
                    throw mapped;
                }

                KubernetesLog.Conflict(logger, api.Namespace, change.Group, attempt);
            }
        }
    }

    private void CheckScaleGroup(string scaleGroup)
    {
        if (!string.Equals(scaleGroup, binding.ScaleGroup, StringComparison.Ordinal))
        {
            throw new CloudProviderException($"scale group '{scaleGroup}' is not bound to this Kubernetes provider (it serves '{binding.ScaleGroup}')", CloudErrorKind.NotFound);
        }
    }
}
