using System.Net;
using Dso.Abstractions.Cloud;

namespace Dso.Cloud.Aws.AutoScaling;

/// <summary>Maps AWS error codes (Query API <c>&lt;Code&gt;</c>) and HTTP statuses to the provider-neutral kinds.</summary>
internal static class AwsErrors
{
    private static readonly HashSet<string> Throttling = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled", "RequestThrottledException",
        "RequestLimitExceeded", "TooManyRequestsException", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    };

    private static readonly HashSet<string> Unauthorized = new(StringComparer.Ordinal)
    {
        "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "InvalidClientTokenId", "SignatureDoesNotMatch",
        "ExpiredToken", "ExpiredTokenException", "IncompleteSignature", "AuthFailure", "UnrecognizedClientException",
        "MissingAuthenticationToken", "InvalidAccessKeyId",
    };

    public static CloudErrorKind Classify(string? code, HttpStatusCode status, string? message)
    {
        if (code is not null && Throttling.Contains(code) || status == HttpStatusCode.TooManyRequests)
        {
            return CloudErrorKind.Throttled;
        }

        if (code is not null && Unauthorized.Contains(code) || status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return CloudErrorKind.Unauthorized;
        }

        return code switch
        {
            "ServiceUnavailable" or "InternalFailure" or "InternalError" or "RequestTimeout" => CloudErrorKind.Unavailable,
            "InsufficientInstanceCapacity" or "InsufficientCapacity" => CloudErrorKind.InsufficientCapacity,
            "ResourceContention" or "ScalingActivityInProgress" or "ResourceInUse" => CloudErrorKind.Conflict,
            "ValidationError" when message?.Contains("not found", StringComparison.OrdinalIgnoreCase) == true => CloudErrorKind.NotFound,
            "ValidationError" or "InvalidParameterValue" or "InvalidParameterCombination" or "MissingParameter"
                or "InvalidAction" or "LimitExceeded" or "AlreadyExists" => CloudErrorKind.InvalidRequest,
            _ when (int)status >= 500 => CloudErrorKind.Unavailable,
            _ when (int)status >= 400 => CloudErrorKind.InvalidRequest,
            _ => CloudErrorKind.Unknown,
        };
    }
}
