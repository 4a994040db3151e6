using System.Net;
using System.Text.Json;
using Dso.Abstractions.Cloud;
using k8s.Autorest;

namespace Dso.Cloud.Kubernetes;

/// <summary>Maps the client's failures to the provider-neutral kinds; the message says what was in progress.</summary>
internal static class KubernetesErrors
{
    public static CloudProviderException Map(Exception ex, string doing, CancellationToken cancellationToken) => ex switch
    {
        CloudProviderException cloud => cloud,
        HttpOperationException http => FromStatus(http, doing),
        HttpRequestException net => new CloudProviderException($"{doing}: API server unreachable ({net.Message})", CloudErrorKind.Unavailable, net),
        OperationCanceledException when !cancellationToken.IsCancellationRequested =>
            new CloudProviderException($"{doing}: API server did not answer in time", CloudErrorKind.Timeout, ex),
        JsonException json => new CloudProviderException($"{doing}: API server sent an unreadable answer ({json.Message})", CloudErrorKind.Unknown, json),
        _ => new CloudProviderException($"{doing}: {ex.GetType().Name}: {ex.Message}", CloudErrorKind.Unknown, ex),
    };

    private static CloudProviderException FromStatus(HttpOperationException http, string doing)
    {
        var status = http.Response?.StatusCode ?? 0;
        var kind = status switch
        {
            HttpStatusCode.NotFound => CloudErrorKind.NotFound,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => CloudErrorKind.Unauthorized,
            HttpStatusCode.Conflict => CloudErrorKind.Conflict,
            HttpStatusCode.TooManyRequests => CloudErrorKind.Throttled,
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => CloudErrorKind.InvalidRequest,
            >= HttpStatusCode.InternalServerError => CloudErrorKind.Unavailable,
            _ => CloudErrorKind.Unknown,
        };
        var reason = StatusReason(http.Response?.Content);
        return new CloudProviderException($"{doing}: API server answered {(int)status} {reason ?? status.ToString()}", kind, http, RetryAfter(http))
        {
            ProviderCode = reason ?? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The <c>reason</c> of a <c>Status</c> body (NotFound, Conflict, Forbidden), when the body is one.</summary>
    private static string? StatusReason(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(content);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String
                ? reason.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TimeSpan? RetryAfter(HttpOperationException http)
    {
        if (http.Response?.Headers is { } headers && headers.TryGetValue("Retry-After", out var values))
        {
            var first = values.FirstOrDefault();
            if (int.TryParse(first, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }

        return null;
    }
}
