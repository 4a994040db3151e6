using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Controller.Hosting;
using Dso.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Dso.Integration.Tests.Push;

/// <summary>
/// The README's push example, verbatim: its policy snippet in the shipped <c>policies/shop.yaml</c>, the shipped
/// <c>appsettings.json</c> (60x clock), the token from the environment variable it names, and its exact curl request
/// (only the port differs: tests never take fixed ports). The push is accepted and the loop decides from it.
/// </summary>
public sealed partial class ReadmePushExampleTests
{
    [Fact]
    public async Task ReadmeCurl_OnShippedSettingsAndPolicy_Is200AndTheLoopDecidesFromIt()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var section = readme[readme.IndexOf("## Push API", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        var snippet = YamlBlock().Match(section).Groups[1].Value;
        var curl = CurlCommand().Match(section).Value;
        var body = CurlBody().Match(curl).Groups[1].Value;
        var contentType = CurlContentType().Match(curl).Groups[1].Value;
        var url = new Uri(CurlUrl().Match(curl).Value);
        var tokenVariable = TokenVariable().Match(section).Groups[1].Value;
        Assert.Contains("source: push", snippet, StringComparison.Ordinal);
        Assert.Equal("DSO_Ingestion__PushTokens__shop", tokenVariable);
        Assert.Contains("\"kpi\"", body, StringComparison.Ordinal);

        var dir = Directory.CreateTempSubdirectory("dso-readme-push-").FullName;
        var policies = Path.Combine(dir, "policies");
        Directory.CreateDirectory(policies);
        var shop = File.ReadAllText(Path.Combine(root, "policies", "shop.yaml"));
        Assert.Contains("    metrics:\n      source: synthetic\n", shop, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(policies, "shop.yaml"), shop.Replace("    metrics:\n      source: synthetic\n", snippet.TrimEnd('\n') + "\n", StringComparison.Ordinal));
        File.Copy(Path.Combine(root, "policies", "shop.events.yaml"), Path.Combine(policies, "shop.events.yaml"));

        const string Token = "readme-example-token";
        var port = FreePort.Next();
        Environment.SetEnvironmentVariable(tokenVariable, Token);
        WebApplication app;
        try
        {
            // No --Dso:ClockSpeed: the shipped appsettings.json (found at the repository root, as `dotnet run` finds it) sets 60.
            app = ServiceHost.Build([
                $"--Dso:DataDirectory={Path.Combine(dir, "data")}",
                $"--Dso:PoliciesPath={policies}",
                $"--Dso:ModelsDirectory={Path.Combine(dir, "models")}",
                $"--Dso:Listen=http://127.0.0.1:{port}",
                "--Logging:LogLevel:Default=Warning",
            ]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(tokenVariable, null);
        }

        await app.StartAsync();
        try
        {
            Assert.Equal(60, app.Services.GetRequiredService<ServiceClock>().Speed);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Eventually.WaitAsync(async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode, ok => ok, TimeSpan.FromSeconds(30));

            using var request = new HttpRequestMessage(HttpMethod.Post, url.PathAndQuery) { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            var response = await http.SendAsync(request);
            var answer = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.OK, answer);
            var pushed = double.Parse(Regex.Match(body, "\"value\":([0-9.]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var log = app.Services.GetRequiredService<IDecisionLog>();
            var decided = await Eventually.WaitAsync(
                async () => (await log.RecentAsync("shop", 50, CancellationToken.None)).FirstOrDefault(r => !r.Decision.Held && r.Decision.Kpis.TryGetValue(KpiNames.RequestRate, out var rps) && rps == pushed),
                r => r is not null,
                TimeSpan.FromSeconds(30));
            Assert.NotNull(decided);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "DsoController.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("not run from inside the repository");
        }

        return dir;
    }

    [GeneratedRegex("```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    [GeneratedRegex(@"curl .*?http://\S+", RegexOptions.Singleline)]
    private static partial Regex CurlCommand();

    [GeneratedRegex("-d '([^']*)'")]
    private static partial Regex CurlBody();

    [GeneratedRegex("-H 'Content-Type: ([^']*)'")]
    private static partial Regex CurlContentType();

    [GeneratedRegex(@"http://\S+")]
    private static partial Regex CurlUrl();

    [GeneratedRegex(@"`export (DSO_Ingestion__PushTokens__\w+)=")]
    private static partial Regex TokenVariable();
}
