namespace Dso.Cloud.Kubernetes;

/// <summary>The workloads whose replicas the adapter sets through the scale subresource.</summary>
internal enum WorkloadKind
{
    Deployment,
    StatefulSet,
}
