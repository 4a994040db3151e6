namespace Dso.Cloud.Aws.AutoScaling;

/// <summary>An instance of an Auto Scaling group with its lifecycle state (Pending, InService, Terminating, ...).</summary>
internal sealed record AutoScalingInstance(string InstanceId, string LifecycleState, string? InstanceType)
{
    /// <summary>Billed and counted: launching or serving. Terminating, detaching and standby instances are on their way out.</summary>
    public bool IsLive => LifecycleState.StartsWith("Pending", StringComparison.Ordinal) || LifecycleState == "InService";
}
