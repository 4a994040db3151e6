using k8s;
using k8s.Models;

namespace Dso.Cloud.Kubernetes;

/// <summary>
/// The few API-server calls the adapter makes, for one workload kind: read the workload (replicas, ready replicas,
/// annotations), read and replace its scale subresource, and merge-patch its annotations.
/// </summary>
internal sealed class WorkloadApi(IKubernetes client, WorkloadKind kind, string ns)
{
    public WorkloadKind Kind => kind;

    public string Namespace => ns;

    public async Task<WorkloadStatus> ReadAsync(string name, CancellationToken cancellationToken)
    {
        if (kind == WorkloadKind.StatefulSet)
        {
            var set = await client.AppsV1.ReadNamespacedStatefulSetAsync(name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new WorkloadStatus(set.Spec?.Replicas ?? 0, set.Status?.ReadyReplicas ?? 0, set.Metadata?.Annotations);
        }

        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new WorkloadStatus(deployment.Spec?.Replicas ?? 0, deployment.Status?.ReadyReplicas ?? 0, deployment.Metadata?.Annotations);
    }

    public Task<V1Scale> ReadScaleAsync(string name, CancellationToken cancellationToken) => kind == WorkloadKind.StatefulSet
        ? client.AppsV1.ReadNamespacedStatefulSetScaleAsync(name, ns, cancellationToken: cancellationToken)
        : client.AppsV1.ReadNamespacedDeploymentScaleAsync(name, ns, cancellationToken: cancellationToken);

    /// <summary>PUT of the scale subresource; the body's resourceVersion makes the API server refuse it (409) if the scale changed since it was read.</summary>
    public Task<V1Scale> ReplaceScaleAsync(string name, V1Scale scale, CancellationToken cancellationToken) => kind == WorkloadKind.StatefulSet
        ? client.AppsV1.ReplaceNamespacedStatefulSetScaleAsync(scale, name, ns, cancellationToken: cancellationToken)
        : client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, name, ns, cancellationToken: cancellationToken);

    public Task AnnotateAsync(string name, IReadOnlyDictionary<string, string> annotations, CancellationToken cancellationToken)
    {
        var patch = new V1Patch(new Dictionary<string, object> { ["metadata"] = new Dictionary<string, object> { ["annotations"] = annotations } }, V1Patch.PatchType.MergePatch);
        return kind == WorkloadKind.StatefulSet
            ? client.AppsV1.PatchNamespacedStatefulSetAsync(patch, name, ns, cancellationToken: cancellationToken)
            : client.AppsV1.PatchNamespacedDeploymentAsync(patch, name, ns, cancellationToken: cancellationToken);
    }
}
