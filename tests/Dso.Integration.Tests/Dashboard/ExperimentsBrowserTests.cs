using System.Text.Json;
using Dso.Integration.Tests.Experiments;
using Dso.Integration.Tests.Infrastructure;

namespace Dso.Integration.Tests.Dashboard;

/// <summary>
/// The experiments pages in Chromium on a running switchback (the default service at 600x, a 30-minute block every
/// 3 s; no keys, so loopback reads): the list shows it running with its recommendation, and its page shows the
/// per-variant results, the estimate with its interval (table and drawing), the guardrail and the blocks timeline.
/// A screenshot is kept as <c>artifacts/experiment-page.png</c>.
/// </summary>
public sealed class ExperimentsBrowserTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dso-experiment-pages-").FullName;

    [ChromiumFact]
    public async Task ListAndExperimentPage_ShowVariantsEstimateGuardrailAndBlocks()
    {
        var policies = Path.Combine(_dir, "policies");
        Directory.CreateDirectory(policies);
        await File.WriteAllTextAsync(Path.Combine(policies, "coverage.yaml"), ExperimentHostTests.Experiment);
        await using var host = await TestHost.StartAsync(Path.Combine(_dir, "data"), policies, null, "--Dso:ClockSpeed=600", "--Dso:PolicyReloadInterval=00:00:00.5");
        await Eventually.WaitAsync(async () => JsonDocument.Parse(await host.Http.GetStringAsync("/api/v1/experiments/coverage")).RootElement.Clone(),
            d => d.GetProperty("comparisons").EnumerateArray().Any(c => c.GetProperty("pairs").GetInt32() >= 2), TimeSpan.FromSeconds(90));

        await using var session = await BrowserSession.OpenAsync($"http://127.0.0.1:{host.Port}", null, "/experiments");
        var page = session.Page;
        var row = page.Locator("#experiments tr[data-experiment='coverage']");
        Assert.Equal("running", await row.Locator("td.state").InnerTextAsync());
        Assert.False(string.IsNullOrWhiteSpace(await row.Locator("td.recommendation").InnerTextAsync()));

        await row.Locator("a").ClickAsync();
        await page.WaitForURLAsync(u => u.EndsWith("/experiments/coverage", StringComparison.Ordinal));
        Assert.Equal("running", await page.Locator("#state").InnerTextAsync());
        Assert.Matches("^(wait|promote|keep-control)", await page.Locator("#recommendation").InnerTextAsync());
        Assert.Equal(2, await page.Locator("#variants tbody tr").CountAsync());
        Assert.Contains("$", await page.Locator("#variants tr[data-variant='q90']").InnerTextAsync());
        var interval = await page.Locator("#comparisons tr[data-variant='q90'] td.interval").InnerTextAsync();
        Assert.Matches(@"^\[-?[\d.]+|—", interval);
        Assert.Equal(1, await page.Locator("#estimates g.estimate[data-variant='q90'] circle.point").CountAsync());
        Assert.Equal(1, await page.Locator("#guardrails tbody tr").CountAsync());
        Assert.Contains("slo_violation_minutes", await page.Locator("#guardrails").InnerTextAsync());

        var blocks = page.Locator("#timeline g.block");
        Assert.True(await blocks.CountAsync() >= 4, $"only {await blocks.CountAsync()} blocks drawn");
        Assert.True(await page.Locator("#timeline g.block[data-variant='q98']").CountAsync() >= 1);
        Assert.True(await page.Locator("#timeline g.block[data-variant='q90']").CountAsync() >= 1);

        // Another metric: the estimate is recomputed on it.
        await page.SelectOptionAsync("select[name=metric]", "scaling_actions");
        await page.ClickAsync("form.filters button[type=submit]");
        await page.WaitForURLAsync(u => u.Contains("metric=scaling_actions", StringComparison.Ordinal));
        Assert.Contains("scaling_actions", await page.Locator("h2:has-text('Estimate')").InnerTextAsync());

        Directory.CreateDirectory(DashboardBrowserTests.Artifacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardBrowserTests.Artifacts, "experiment-page.png"), FullPage = true });

        var missing = await page.GotoAsync($"http://127.0.0.1:{host.Port}/experiments/nope");
        Assert.Equal(404, missing!.Status);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // The service may hold a file for a moment after stopping.
        }
    }
}
