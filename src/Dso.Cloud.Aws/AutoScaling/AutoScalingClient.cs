using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;
using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Dso.Abstractions.Cloud;

namespace Dso.Cloud.Aws.AutoScaling;

/// <summary>
/// A small client for the Auto Scaling Query API (no Auto Scaling package is served here), built on AWSSDK.Core:
/// the SDK's default credential chain (environment, profile, SSO, instance role), its region resolution, its SigV4
/// signer and its retry settings (<c>AWS_MAX_ATTEMPTS</c> / profile <c>max_attempts</c>). Throttling and 5xx are
/// retried here with full-jitter backoff; everything else becomes a typed <see cref="CloudProviderException"/>.
/// </summary>
internal sealed class AutoScalingClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly AmazonEC2Config _config;
    private readonly AWSCredentials _credentials;
    private readonly Uri _endpoint;
    private readonly AutoScalingClientOptions _options;
    private readonly AWS4Signer _signer = new();

    public AutoScalingClient(AutoScalingClientOptions options, HttpMessageHandler? handler = null)
    {
        _options = options;
        var region = options.Region is { } name ? RegionEndpoint.GetBySystemName(name) : FallbackRegionFactory.GetRegionEndpoint()
            ?? throw new CloudProviderException("connecting to AWS Auto Scaling: no region (set provider.settings.region, AWS_REGION or a profile region)", CloudErrorKind.InvalidRequest);
        Region = region.SystemName;

        // The EC2 client configuration carries the SDK's shared settings (retry mode and attempts, timeouts) as read
        // from the environment and profile; only the signing scope is Auto Scaling's.
        _config = new AmazonEC2Config { RegionEndpoint = region, AuthenticationServiceName = AutoScalingClientOptions.SigningService, AuthenticationRegion = region.SystemName };
        _endpoint = options.ServiceUrl ?? new Uri($"https://autoscaling.{region.SystemName}.{region.PartitionDnsSuffix ?? "amazonaws.com"}/");
        _credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials(_config);
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = _config.Timeout ?? TimeSpan.FromSeconds(30);
    }

    public string Region { get; }

    /// <summary>Attempts per call (the first plus retries), from the SDK's retry settings.</summary>
    public int MaxAttempts => _config.MaxErrorRetry + 1;

    /// <summary>Sends one action with its parameters; returns the response's <c>...Result</c> element.</summary>
    public async Task<XElement> SendAsync(string action, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        var body = new StringBuilder($"Action={action}&Version={AutoScalingClientOptions.ApiVersion}");
        foreach (var (key, value) in parameters)
        {
            body.Append('&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        var content = Encoding.UTF8.GetBytes(body.ToString());
        for (var attempt = 1; ; attempt++)
        {
            CloudProviderException failure;
            try
            {
                return await SendOnceAsync(action, content, cancellationToken).ConfigureAwait(false);
            }
            catch (CloudProviderException ex) when (ex.Kind is CloudErrorKind.Throttled or CloudErrorKind.Unavailable or CloudErrorKind.Timeout)
            {
                failure = ex;
            }

            if (attempt >= MaxAttempts)
            {
                throw failure;
            }

            var cap = Math.Min(_options.BackoffCap.TotalMilliseconds, _options.BackoffBase.TotalMilliseconds * Math.Pow(2, attempt - 1));
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<XElement> SendOnceAsync(string action, byte[] content, CancellationToken cancellationToken)
    {
        var request = new DefaultRequest(new QueryRequest(), "AutoScaling")
        {
            HttpMethod = "POST",
            Endpoint = _endpoint,
            ResourcePath = "/",
            Content = content,
            AuthenticationRegion = Region,
        };
        request.Headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";
        _signer.Sign(request, _config, null, _credentials);

        using var message = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(content) };
        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new CloudProviderException($"calling Auto Scaling {action} at {_endpoint.Host}: {ex.Message}", CloudErrorKind.Unavailable, ex) { ProviderCode = "NetworkError" };
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CloudProviderException($"calling Auto Scaling {action}: no answer within {_http.Timeout.TotalSeconds:0}s", CloudErrorKind.Timeout, ex) { ProviderCode = "RequestTimeout" };
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            XElement root;
            try
            {
                root = XElement.Parse(text);
            }
            catch (System.Xml.XmlException)
            {
                var kind = AwsErrors.Classify(null, response.StatusCode, null);
                throw new CloudProviderException($"calling Auto Scaling {action}: HTTP {(int)response.StatusCode} with a body that is not XML", kind == CloudErrorKind.Unknown ? CloudErrorKind.Unavailable : kind, null, RetryAfter(response))
                { ProviderCode = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture) };
            }

            if (!response.IsSuccessStatusCode || root.Name.LocalName == "ErrorResponse")
            {
                var error = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
                var code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
                var detail = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
                var kind = AwsErrors.Classify(code, response.StatusCode, detail);
                throw new CloudProviderException($"calling Auto Scaling {action}: {code ?? "HTTP " + (int)response.StatusCode}: {detail}", kind, null, RetryAfter(response)) { ProviderCode = code };
            }

            return root.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Result") ?? root;
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date is { } at ? at - DateTimeOffset.UtcNow : null);

    public void Dispose() => _http.Dispose();

    /// <summary>The SDK's request type carries no parameters of its own: the body is built above.</summary>
    private sealed class QueryRequest : AmazonWebServiceRequest;
}
