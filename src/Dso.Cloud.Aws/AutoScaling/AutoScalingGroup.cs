namespace Dso.Cloud.Aws.AutoScaling;

/// <summary>One Auto Scaling group as DescribeAutoScalingGroups reports it.</summary>
internal sealed record AutoScalingGroup(
    string Name,
    int DesiredCapacity,
    int MinSize,
    int MaxSize,
    IReadOnlyList<AutoScalingInstance> Instances,
    IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>Instances that are, or are becoming, part of the group (not terminating, detaching or on standby).</summary>
    public int Live => Instances.Count(i => i.IsLive);

    /// <summary>Instances serving: InService.</summary>
    public int InService => Instances.Count(i => i.LifecycleState == "InService");
}
