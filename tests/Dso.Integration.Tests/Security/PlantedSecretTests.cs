using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dso.Integration.Tests.Aws;
using Dso.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dso.Integration.Tests.Security;

/// <summary>
/// Recognizable fake secrets in every credential chain the service reads (AWS keys and session token, an Azure
/// client secret, a kubeconfig token, a push token, an operator API key) during a real run of <c>dso</c> with one
/// service on each cloud provider (aws on moto, kubernetes and azure on a local endpoint that refuses them), at Debug
/// logging: none of them appears in stdout/stderr, the data directory (decision log, WAL, snapshots), /metrics, the
/// pages or any API response, the CSV exports included.
/// </summary>
public sealed class PlantedSecretTests(ITestOutputHelper output) : IDisposable
{
    private const string AwsSecret = "PLANTEDawsSecretKey7f3a9c1e";
    private const string AwsSessionToken = "PLANTEDawsSessionToken55d2b8";
    private const string AzureSecret = "PLANTEDazureClientSecret0e4d1a";
    private const string KubeToken = "PLANTEDkubeBearerToken9b61c7";
    private const string PushToken = "PLANTEDpushToken3c8e2f";
    private const string ApiKey = "PLANTEDoperatorApiKey6a0f4d";

    private static readonly string[] Secrets = [AwsSecret, AwsSessionToken, AzureSecret, KubeToken, PushToken, ApiKey];

    private readonly AwsEndToEndRun _run = new();
    private readonly RefusingEndpoint _endpoint = new();

    [Fact]
    public async Task RealRun_SecretsInEveryCredentialChain_NeverInLogsDataMetricsOrApiResponses()
    {
        await _run.CreateGroupsAsync(large: 1, spot: 0, xlarge: 0);
        await WritePoliciesAsync();
        var kubeconfig = Path.Combine(_run.Root, "kubeconfig.yaml");
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: c
                cluster: {"{"}server: '{_endpoint.Url}'{"}"}
            users:
              - name: u
                user: {"{"}token: {KubeToken}{"}"}
            contexts:
              - name: x
                context: {"{"}cluster: c, user: u{"}"}
            current-context: x
            """);
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIAPLANTEDKEYID",
            ["AWS_SECRET_ACCESS_KEY"] = AwsSecret,
            ["AWS_SESSION_TOKEN"] = AwsSessionToken,
            ["AZURE_TENANT_ID"] = "00000000-0000-0000-0000-0000000000aa",
            ["AZURE_CLIENT_ID"] = "00000000-0000-0000-0000-0000000000bb",
            ["AZURE_CLIENT_SECRET"] = AzureSecret,
            ["AZURE_AUTHORITY_HOST"] = $"https://127.0.0.1:{_endpoint.Url.Port}/",
            ["KUBECONFIG"] = kubeconfig,
            ["DSO_Ingestion__PushTokens__shop"] = PushToken,
            ["DSO_Access__Keys__ops__Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey))),
            ["DSO_Access__Keys__ops__Role"] = "operator",
        };

        var seen = new StringBuilder();
        using (var service = _run.StartService(environment, "--Logging:LogLevel:Default=Debug", "--Dso:TickDeadline=00:00:05"))
        {
            await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = service.Url };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            using var push = new HttpClient { BaseAddress = service.Url };
            push.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PushToken);

            // Enough ticks for every service to decide (and the kubernetes and azure ones to fail) a few times.
            var decided = await Eventually.WaitAsync(async () =>
            {
                using var pushed = await push.PostAsync("api/v1/push/shop", new StringContent("""{"samples":[{"kpi":"request_rate","value":900}]}""", Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
                return _run.Log.Read();
            }, log => log.Select(d => d.Id.Split('@')[0]).Distinct().Count() == 3 && log.Count >= 12, TimeSpan.FromSeconds(90), pollMs: 500);
            Assert.True(decided.Select(d => d.Id.Split('@')[0]).Distinct().Count() == 3, $"not every service decided: {string.Join(", ", decided.Select(d => d.Id))}; {service.StandardError}");
            Assert.Contains(decided, d => d.Id.StartsWith("shop@", StringComparison.Ordinal) && d.Changed);
            Assert.True(_endpoint.Authorizations.Contains($"Bearer {KubeToken}"), $"the kube token never reached the API server (saw {string.Join(", ", _endpoint.Authorizations)}): the test would prove nothing");

            var ids = decided.Select(d => d.Id).ToList();
            var paths = new List<string>
            {
                "", "healthz", "readyz", "metrics", "overview", "services/shop", "services/cart", "services/web", "showback",
                "api/services", "api/decisions?limit=1000", "api/v1/decisions?limit=1000", "api/v1/decisions.csv", "api/v1/overview",
                "api/v1/budget", "api/v1/savings", "api/v1/showback", "api/v1/showback.csv", "api/v1/anomalies", "api/v1/events?limit=1000", "openapi/v1.json",
                "api/v1/services/shop/series", "api/v1/services/cart/series", "api/v1/services/web/series",
            };
            paths.AddRange(ids.Select(id => $"api/v1/decisions/{Uri.EscapeDataString(id)}"));
            paths.AddRange(ids.Take(5).Select(id => $"decisions/{Uri.EscapeDataString(id)}"));
            foreach (var path in paths)
            {
                using var response = await http.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, $"GET /{path}: {(int)response.StatusCode} {body}");
                seen.Append("GET /").Append(path).Append('\n').Append(response.Headers).Append(response.Content.Headers).Append(body).Append('\n');
            }

            // Error answers too: a wrong push token, a bad parameter, a wrong API key.
            using var anonymous = new HttpClient { BaseAddress = service.Url };
            using var badPush = await anonymous.PostAsync("api/v1/push/shop", new StringContent("{}", Encoding.UTF8, "application/json"));
            seen.Append(await badPush.Content.ReadAsStringAsync());
            using var badQuery = await http.GetAsync("api/v1/decisions?limit=-1");
            seen.Append(await badQuery.Content.ReadAsStringAsync());
            service.Kill();
            seen.Append(service.StandardOutput).Append(service.StandardError);
            output.WriteLine($"{decided.Count} decisions, {paths.Count} responses, {service.StandardOutput.Length + service.StandardError.Length} chars of logs; "
                + string.Join(", ", decided.GroupBy(d => d.Id.Split('@')[0]).Select(g => $"{g.Key}: {g.Last().Status} {g.Last().Message}")));
        }

        var text = seen.ToString();
        foreach (var secret in Secrets)
        {
            var at = text.IndexOf(secret, StringComparison.Ordinal);
            Assert.True(at < 0, $"secret '{secret}' leaked: ...{text[Math.Max(0, at - 300)..Math.Min(text.Length, at + 100)]}...");
        }

        foreach (var file in Directory.EnumerateFiles(_run.DataDirectory, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            foreach (var secret in Secrets)
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"secret '{secret}' is in {file}");
            }
        }
    }

    private Task WritePoliciesAsync()
    {
        static string Service(string name, string provider) => $$"""
              - name: {{name}}
                provider:
            {{provider}}
                  groups:
                    c7g.large: {{name}}-c7g-large
                    c7g.large/spot: {{name}}-c7g-large-spot
                    c7g.xlarge: {{name}}-c7g-xlarge
                scale_group: {{name}}-web
                tick: 1m
                slo:
                  latency_p95_ms: 250
                instance_types:
                  - {name: c7g.large,  vcpu: 2, memory_gib: 4, price_per_hour: 0.0725, capacity_rps: 110, spot_price_per_hour: 0.029}
                  - {name: c7g.xlarge, vcpu: 4, memory_gib: 8, price_per_hour: 0.1450, capacity_rps: 225}
                boot_delay: 1m
                budget:
                  monthly_usd: 100000
                  enforcement: soft
                limits:
                  min_instances: 1
                  max_instances: 20
                  max_step: 10
                spot:
                  max_share: 0.5
                  on_demand_min: 1
                metrics:
                  source: {{(name == "shop" ? "push" : "synthetic")}}
                strategy:
                  name: cost-optimizer
            """;

        var aws = $"""
                  name: aws
                  settings: {"{"}region: us-east-1, endpoint_url: '{_run.Moto.Url}'{"}"}
            """;
        var kubernetes = """
                  name: kubernetes
                  settings: {namespace: shop, kind: Deployment}
            """;
        var azure = $"""
                  name: azure
                  settings: {"{"}subscription_id: 00000000-0000-0000-0000-000000000001, resource_group: rg, arm_endpoint: 'https://127.0.0.1:{_endpoint.Url.Port}/'{"}"}
            """;
        return File.WriteAllTextAsync(Path.Combine(_run.PoliciesDirectory, "services.yaml"),
            "services:\n" + Service("shop", aws.TrimEnd()) + "\n" + Service("cart", kubernetes.TrimEnd()) + "\n" + Service("web", azure.TrimEnd()) + "\n");
    }

    public void Dispose()
    {
        _endpoint.Dispose();
        _run.Dispose();
    }

    /// <summary>
    /// A local HTTP endpoint standing in for the Kubernetes API server and Azure's login and ARM endpoints: it records
    /// the Authorization headers it is sent and refuses everything with 401, so each provider's calls fail (and their
    /// errors are logged) after its credential chain has handed over the planted secret.
    /// </summary>
    private sealed class RefusingEndpoint : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<string> _authorizations = [];

        public RefusingEndpoint()
        {
            Url = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
            _listener.Prefixes.Add(Url.ToString());
            _listener.Start();
            _ = ServeAsync();
        }

        public Uri Url { get; }

        public IReadOnlyList<string> Authorizations
        {
            get
            {
                lock (_authorizations)
                {
                    return [.. _authorizations];
                }
            }
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                lock (_authorizations)
                {
                    _authorizations.Add(context.Request.Headers["Authorization"] ?? "");
                }

                var body = JsonSerializer.SerializeToUtf8Bytes(new { kind = "Status", apiVersion = "v1", status = "Failure", message = "Unauthorized", reason = "Unauthorized", code = 401, error = "invalid_client" });
                context.Response.StatusCode = 401;
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
        }
    }
}
