namespace Dso.Cloud.Kubernetes;

/// <summary>A workload as read from the API server: desired replicas, ready replicas and its annotations.</summary>
internal sealed record WorkloadStatus(int Replicas, int ReadyReplicas, IDictionary<string, string>? Annotations)
{
    public string? Annotation(string key) => Annotations is not null && Annotations.TryGetValue(key, out var value) ? value : null;
}
