namespace Dso.Cloud.Aws.AutoScaling;

/// <summary>One entry of DescribeScalingActivities: what the group tried last and whether it worked.</summary>
internal sealed record ScalingActivity(string StatusCode, string? StatusMessage, string? Description);
