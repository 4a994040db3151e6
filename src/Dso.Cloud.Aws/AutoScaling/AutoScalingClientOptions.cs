namespace Dso.Cloud.Aws.AutoScaling;

/// <summary>Where the Auto Scaling client sends its calls; credentials and retry settings come from the SDK's chain.</summary>
internal sealed record AutoScalingClientOptions
{
    /// <summary>The Query API version these calls are written against.</summary>
    public const string ApiVersion = "2011-01-01";

    /// <summary>Signing service name (SigV4 scope) of Auto Scaling.</summary>
    public const string SigningService = "autoscaling";

    public const int DefaultBackoffBaseMilliseconds = 100;

    public static readonly TimeSpan DefaultBackoffCap = TimeSpan.FromSeconds(20);

    /// <summary>The region; null resolves it as the SDK does (AWS_REGION, the profile, instance metadata).</summary>
    public string? Region { get; init; }

    /// <summary>An endpoint to use instead of <c>https://autoscaling.REGION.amazonaws.com</c> (a VPC endpoint, an emulator).</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>First retry delay (full jitter, doubling per attempt).</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(DefaultBackoffBaseMilliseconds);

    public TimeSpan BackoffCap { get; init; } = DefaultBackoffCap;
}
