namespace Dso.Abstractions.Cloud;

/// <summary>
/// What went wrong in a cloud call, mapped by each adapter from its SDK's own error codes so that the
/// resilience pipeline and the loop treat every provider alike.
/// </summary>
public enum CloudErrorKind
{
    /// <summary>Not classified; treated as terminal.</summary>
    Unknown,

    /// <summary>Rate limited (AWS <c>Throttling</c>, HTTP 429); retried with backoff, honouring Retry-After.</summary>
    Throttled,

    /// <summary>The provider failed or was unreachable (HTTP 5xx, connection reset); retried.</summary>
    Unavailable,

    /// <summary>The call did not answer within its deadline; retried within the tick's deadline.</summary>
    Timeout,

    /// <summary>The provider has no capacity for the requested offering; the next tick converges from the actual fleet.</summary>
    InsufficientCapacity,

    /// <summary>The scale group (or one of the offering's groups) does not exist.</summary>
    NotFound,

    /// <summary>Credentials missing, expired or lacking a permission.</summary>
    Unauthorized,

    /// <summary>A concurrent change won (Kubernetes 409, an Azure operation in progress); re-read and retry.</summary>
    Conflict,

    /// <summary>The provider rejected the request as malformed or out of its limits.</summary>
    InvalidRequest,
}
