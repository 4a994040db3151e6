using System.Globalization;
using Dso.Abstractions.Cloud;
using global::Azure;
using global::Azure.Identity;

namespace Dso.Cloud.Azure;

/// <summary>
/// Maps Azure Resource Manager failures to the provider-neutral kinds. Capacity shortages are told apart by their
/// error code first (they come back as 409 or in a failed operation), then the HTTP status decides.
/// </summary>
internal static class ArmErrors
{
    private static readonly HashSet<string> CapacityCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "SkuNotAvailable", "AllocationFailed", "ZonalAllocationFailed", "OverconstrainedAllocationRequest",
        "OverconstrainedZonalAllocationRequest", "QuotaExceeded", "OperationNotAllowedQuotaExceeded",
    };

    public static CloudProviderException Map(Exception ex, string doing, CancellationToken cancellationToken) => ex switch
    {
        CloudProviderException cloud => cloud,
        // The SDK reports a refused or reset connection as a failed request with no status.
        RequestFailedException { Status: 0, InnerException: HttpRequestException or IOException } arm =>
            new CloudProviderException($"{doing}: Azure Resource Manager unreachable ({arm.InnerException!.Message})", CloudErrorKind.Unavailable, arm),
        RequestFailedException arm => FromArm(arm, doing),
        AuthenticationFailedException auth => new CloudProviderException($"{doing}: could not get an Azure token ({auth.Message})", CloudErrorKind.Unauthorized, auth),
        OperationCanceledException when !cancellationToken.IsCancellationRequested =>
            new CloudProviderException($"{doing}: Azure Resource Manager did not answer in time", CloudErrorKind.Timeout, ex),
        HttpRequestException net => new CloudProviderException($"{doing}: Azure Resource Manager unreachable ({net.Message})", CloudErrorKind.Unavailable, net),
        _ => new CloudProviderException($"{doing}: {ex.GetType().Name}: {ex.Message}", CloudErrorKind.Unknown, ex),
    };

    private static CloudProviderException FromArm(RequestFailedException arm, string doing)
    {
        var code = arm.ErrorCode;
        var kind = Classify(arm.Status, code, arm.Message);
        var retryAfter = RetryAfter(arm);
        var status = arm.Status == 0 ? "operation failed" : $"answered {arm.Status}";
        return new CloudProviderException($"{doing}: Azure Resource Manager {status} {code ?? ""}: {FirstLine(arm.Message)}".Replace("  ", " ", StringComparison.Ordinal), kind, arm, retryAfter)
        {
            ProviderCode = code ?? arm.Status.ToString(CultureInfo.InvariantCulture),
        };
    }

    internal static CloudErrorKind Classify(int status, string? code, string message)
    {
        if (code is not null && CapacityCodes.Contains(code)
            || code == "OperationNotAllowed" && message.Contains("quota", StringComparison.OrdinalIgnoreCase))
        {
            return CloudErrorKind.InsufficientCapacity;
        }

        return status switch
        {
            429 => CloudErrorKind.Throttled,
            409 => CloudErrorKind.Conflict,
            404 => CloudErrorKind.NotFound,
            401 or 403 => CloudErrorKind.Unauthorized,
            400 => CloudErrorKind.InvalidRequest,
            408 => CloudErrorKind.Timeout,
            >= 500 => CloudErrorKind.Unavailable,
            _ => CloudErrorKind.Unknown,
        };
    }

    private static TimeSpan? RetryAfter(RequestFailedException arm)
    {
        var response = arm.GetRawResponse();
        if (response is null || !response.Headers.TryGetValue("Retry-After", out var value))
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && response.Headers.Date is { } now
            ? at > now ? at - now : TimeSpan.Zero
            : null;
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
