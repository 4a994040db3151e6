using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dso.Controller.Composition;
using Dso.Controller.Web.Access;
using Dso.Core.Tests.Cli;
using Dso.Core.Tests.Reconcile;

namespace Dso.Core.Tests.Hosting;

/// <summary>
/// The push API's bearer tokens are its own, not API keys: with keys configured, the key scheme read every push token
/// as an unknown key and logged "DsoKey was not authenticated" (Information) for each accepted push, a line a
/// minute per exporter that reads as an attack to the operator paging through the log.
/// </summary>
public sealed class PushAuthenticationLogTests : IDisposable
{
    private const string PushToken = "push-3c9e1a-token";
    private const string AnalystKey = "analyst-key-5d2f";
    private readonly TestTraces _dir = new();

    [Fact]
    public async Task AcceptedPushes_WithKeysConfigured_LogNoFailedKeyAuthentication()
    {
        var policies = Path.Combine(_dir.Root, "policies");
        Directory.CreateDirectory(policies);
        var policy = DefaultPolicy.Text().Replace("      source: synthetic\n", "      source: push\n      queries: {request_rate: http_rps}\n", StringComparison.Ordinal);
        Assert.Contains("source: push", policy);
        await File.WriteAllTextAsync(Path.Combine(policies, "shop.yaml"), policy);
        var port = DsoProcess.FreePort();
        var (stdout, stderr) = (new StringBuilder(), new StringBuilder());
        var environment = new Dictionary<string, string> { ["DSO_Ingestion__PushTokens__shop"] = PushToken };
        using var process = DsoProcess.Start(_dir.Root, environment, stdout, stderr,
            $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}", $"--Dso:PoliciesPath={policies}", $"--Dso:Listen=http://127.0.0.1:{port}",
            $"--Dso:ModelsDirectory={Path.Combine(_dir.Root, "models")}", "--Logging:LogLevel:Default=Information",
            $"--Access:Keys:alice:Sha256={AccessKeyStore.Hash(AnalystKey)}", "--Access:Keys:alice:Role=analyst");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            await WaitUntilReadyAsync(http, process, stderr);
            for (var i = 0; i < 3; i++)
            {
                using var push = new HttpRequestMessage(HttpMethod.Post, "/api/v1/push/shop")
                {
                    Content = new StringContent($$"""{"samples":[{"kpi":"http_rps","value":{{400 + i}}}]}""", Encoding.UTF8, "application/json"),
                };
                push.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PushToken);
                Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(push)).StatusCode);
            }

            // The key scheme still reads keys everywhere else.
            using var read = new HttpRequestMessage(HttpMethod.Get, "/api/services");
            read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AnalystKey);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(read)).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.Contains("Now listening on", stdout.ToString());
        Assert.DoesNotContain("was not authenticated", stdout.ToString() + stderr);
    }

    private static async Task WaitUntilReadyAsync(HttpClient http, System.Diagnostics.Process process, StringBuilder stderr)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the service did not become ready (exited: {process.HasExited}; stderr: {stderr})");
    }

    public void Dispose() => _dir.Dispose();
}
