namespace Dso.Abstractions.Cloud;

/// <summary>
/// A cloud call failed. <see cref="IsTransient"/> tells the reconciler whether to retry with backoff
/// (throttling, timeouts) or to stop and report (bad credentials, unknown scale group).
/// </summary>
public sealed class CloudProviderException(string message, bool isTransient, Exception? inner = null)
    : Exception(message, inner)
{
    public bool IsTransient { get; } = isTransient;
}
