using System.Globalization;
using Dso.Integration.Tests.Api;
using Dso.Integration.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Dso.Integration.Tests.Dashboard;

/// <summary>
/// The analyst pages in Debian's Chromium against the service on loopback, over a 30-day log of three services,
/// signed in with the analyst key. The service page's screenshot is kept as a test artifact
/// (<c>artifacts/service-page.png</c> beside the test assembly).
/// </summary>
public sealed class DashboardBrowserTests(SeededSqliteService seeded) : IClassFixture<SeededSqliteService>
{
    public static readonly string Artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");

    [ChromiumFact]
    public async Task Overview_ListsEveryServiceWithBudgetAndSavings()
    {
        await using var session = await SignInAsync();
        await session.Page.GotoAsync(Url("/overview"));
        var rows = session.Page.Locator("#services tbody tr");
        Assert.Equal(3, await rows.CountAsync());
        foreach (var service in SeededService.Services)
        {
            var row = session.Page.Locator($"#services tr[data-service='{service}']");
            Assert.Contains("$2,000.00", await row.Locator("td.budget").InnerTextAsync());
            var saved = await row.Locator("td.savings").InnerTextAsync();
            Assert.StartsWith("$", saved);
        }
    }

    [ChromiumFact]
    public async Task ServicePage_ChartHasSeriesAndMarkers_ScreenshotSaved()
    {
        await using var session = await SignInAsync();
        await session.Page.SetViewportSizeAsync(1280, 900);
        await session.Page.GotoAsync(Url("/services/checkout"));
        foreach (var id in new[] { "series-demand", "series-ready", "series-billed", "series-cost", "series-reactive-cost" })
        {
            var d = await session.Page.Locator($"#{id}").GetAttributeAsync("d");
            Assert.True(d is not null && d.Count(c => c == 'L') > 100, $"{id} has too few points: {d?.Length}");
        }

        Assert.NotNull(await session.Page.Locator("#series-forecast-band").GetAttributeAsync("points"));
        Assert.True(await session.Page.Locator("#chart .marker-anomaly").CountAsync() >= 1);
        Assert.True(await session.Page.Locator("#chart .marker-change").CountAsync() >= 1);
        Directory.CreateDirectory(Artifacts);
        var shot = Path.Combine(Artifacts, "service-page.png");
        await session.Page.ScreenshotAsync(new() { Path = shot, FullPage = false });
        Assert.True(new FileInfo(shot).Length > 20_000);
    }

    [ChromiumFact]
    public async Task ServicePage_Filter_NarrowsTheTable_AndADecisionOpensFromIt()
    {
        await using var session = await SignInAsync();
        var page = session.Page;
        await page.GotoAsync(Url("/services/shop?from=" + Iso(seeded.End.AddDays(-20)) + "&to=" + Iso(seeded.End)));
        var before = await page.Locator("#decisions-table tbody tr").CountAsync();
        await page.SelectOptionAsync("select[name=held]", "true");
        await page.ClickAsync("#filters button[type=submit]");
        await page.WaitForURLAsync(u => u.Contains("held=true", StringComparison.Ordinal));
        var held = page.Locator("#decisions-table tbody tr");
        var after = await held.CountAsync();
        Assert.InRange(after, 1, before - 1);
        for (var i = 0; i < after; i++)
        {
            Assert.Equal("held", await held.Nth(i).GetAttributeAsync("class"));
        }

        var id = await held.First.GetAttributeAsync("data-id");
        await held.First.Locator("a").First.ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("/decisions/", StringComparison.Ordinal));
        Assert.Contains("held the fleet", await page.Locator("#summary").InnerTextAsync());
        Assert.Contains(id!, await page.ContentAsync());
    }

    [ChromiumFact]
    public async Task ServicePage_ZoomIn_HalvesTheRange()
    {
        await using var session = await SignInAsync();
        var page = session.Page;
        await page.GotoAsync(Url("/services/search"));
        var (from, to) = await RangeAsync(page);
        await page.ClickAsync("#zoom-in");
        await page.WaitForURLAsync(u => u.Contains("from=", StringComparison.Ordinal));
        var (zoomFrom, zoomTo) = await RangeAsync(page);
        Assert.Equal((to - from).TotalHours / 2, (zoomTo - zoomFrom).TotalHours, 1);
        Assert.True(zoomFrom > from && zoomTo < to);
        Assert.Equal(Iso(zoomFrom), await page.Locator("#chart").GetAttributeAsync("data-from"));
    }

    [ChromiumFact]
    public async Task ServicePage_CsvExport_DownloadsAndParses()
    {
        await using var session = await SignInAsync();
        var page = session.Page;
        await page.GotoAsync(Url("/services/checkout?anomalies=true&from=" + Iso(seeded.End.AddDays(-30)) + "&to=" + Iso(seeded.End)));
        var rows = await page.Locator("#decisions-table tbody tr").CountAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-csv"));
        var path = Path.Combine(Artifacts, "export.csv");
        Directory.CreateDirectory(Artifacts);
        await download.SaveAsAsync(path);
        var csv = DecisionApiTests.CsvRows(await File.ReadAllTextAsync(path));
        Assert.Equal(DecisionApiTests.DecisionCsvHeader, string.Join(',', csv[0]));
        Assert.Equal(rows, csv.Count - 1);
        Assert.All(csv.Skip(1), r => Assert.Equal("checkout", r[2]));
        Assert.All(csv.Skip(1), r => Assert.NotEqual("", r[15]));
    }

    [ChromiumFact]
    public async Task AnalystSession_CannotApprove()
    {
        await using var session = await SignInAsync();
        var response = await session.Page.APIRequest.PostAsync(Url("/api/policies/reload"));
        Assert.Equal(403, response.Status);
    }

    private string Url(string path) => $"http://127.0.0.1:{seeded.Host.Port}{path}";

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static async Task<(DateTimeOffset From, DateTimeOffset To)> RangeAsync(IPage page)
    {
        var range = page.Locator("#range");
        return (DateTimeOffset.Parse((await range.GetAttributeAsync("data-from"))!, CultureInfo.InvariantCulture),
            DateTimeOffset.Parse((await range.GetAttributeAsync("data-to"))!, CultureInfo.InvariantCulture));
    }

    /// <summary>Chromium signed in with the analyst key, on the overview.</summary>
    private Task<BrowserSession> SignInAsync() => BrowserSession.OpenAsync(Url(""), SeededService.AnalystKey, "/overview");
}
