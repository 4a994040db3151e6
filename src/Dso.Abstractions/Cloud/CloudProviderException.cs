namespace Dso.Abstractions.Cloud;

/// <summary>
/// A cloud call failed. <see cref="Kind"/> is the provider-neutral reason; <see cref="IsTransient"/> tells the
/// reconciler whether to retry with backoff (throttling, 5xx, timeouts, conflicts) or to stop and report (bad
/// credentials, unknown scale group, invalid request).
/// </summary>
public sealed class CloudProviderException : Exception
{
    public CloudProviderException(string message, bool isTransient, Exception? inner = null)
        : this(message, isTransient ? CloudErrorKind.Unavailable : CloudErrorKind.Unknown, inner)
    {
    }

    public CloudProviderException(string message, CloudErrorKind kind, Exception? inner = null, TimeSpan? retryAfter = null)
        : base(message, inner)
    {
        Kind = kind;
        RetryAfter = retryAfter;
    }

    public CloudErrorKind Kind { get; }

    /// <summary>How long the provider asked the caller to wait (Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Provider error code as the SDK gave it (e.g. <c>Throttling</c>, <c>ResourceNotFound</c>), for logs.</summary>
    public string? ProviderCode { get; init; }

    public bool IsTransient => Kind is CloudErrorKind.Throttled or CloudErrorKind.Unavailable
        or CloudErrorKind.Timeout or CloudErrorKind.Conflict;
}
