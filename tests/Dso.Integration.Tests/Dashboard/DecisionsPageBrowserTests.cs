using System.Text.Json;
using Dso.Integration.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Dso.Integration.Tests.Dashboard;

/// <summary>The decisions page in a real browser (Debian's Chromium driven by Playwright) against the running service.</summary>
public sealed class DecisionsPageBrowserTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dso-page-" + Guid.NewGuid().ToString("N"));
    private TestHost? _host;

    public async Task InitializeAsync()
    {
        var policies = Path.Combine(_root, "policies");
        Directory.CreateDirectory(policies);
        var repo = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repo, "DsoController.sln")))
        {
            repo = Path.GetDirectoryName(repo)!;
        }

        File.Copy(Path.Combine(repo, "src", "Dso.Controller", "Defaults", "default-policy.yaml"), Path.Combine(policies, "shop.yaml"));
        _host = await TestHost.StartAsync(Path.Combine(_root, "data"), policies, null, "--Dso:ClockSpeed=600");
    }

    [ChromiumFact]
    public async Task DecisionsPage_InChromium_ListsRecentDecisionsWithReasons()
    {
        var logged = await Eventually.WaitAsync(
            async () =>
            {
                using var doc = JsonDocument.Parse(await _host!.Http.GetStringAsync("/api/decisions?limit=5"));
                return doc.RootElement.GetArrayLength();
            },
            n => n >= 3,
            TimeSpan.FromSeconds(30));
        Assert.True(logged >= 3, $"only {logged} decisions logged within 30 s");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumFactAttribute.Binary,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var page = await browser.NewPageAsync();
        // CI runs the test assemblies side by side on 2 cores: Playwright's 30 s default timed out a sign-in there once.
        page.SetDefaultTimeout(120_000);
        page.SetDefaultNavigationTimeout(120_000);
        var response = await page.GotoAsync($"http://127.0.0.1:{_host!.Port}/");
        Assert.Equal(200, response!.Status);
        Assert.Equal("DsoController: recent decisions", await page.TitleAsync());

        var rows = page.Locator("#decisions tbody tr");
        Assert.True(await rows.CountAsync() >= 3);
        var firstRow = await rows.First.InnerTextAsync();
        Assert.Contains("shop", firstRow);
        Assert.Contains("cost-optimizer", firstRow);
        var headers = await page.Locator("#decisions thead th").AllInnerTextsAsync();
        Assert.Equal(["time", "service", "demand (rps)", "before", "chosen", "$/h", "strategy", "reason", "alternatives", "anomalies", "applied"], headers);

        var screenshot = Path.Combine(_root, "decisions.png");
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = false });
        Assert.True(new FileInfo(screenshot).Length > 10_000);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // The service may hold a file for a moment after stopping.
        }
    }
}
