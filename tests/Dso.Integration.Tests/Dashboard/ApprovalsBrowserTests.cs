using System.Net;
using System.Text.Json;
using Dso.Controller.Web.Access;
using Dso.Integration.Tests.Api;
using Dso.Integration.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Dso.Integration.Tests.Dashboard;

/// <summary>
/// The approvals page in Chromium on a service with approval requests waiting: an operator approves and rejects from
/// the page (session + antiforgery form posts), an analyst sees the queue without buttons and cannot answer, and a
/// session post without the page's token is refused.
/// </summary>
public sealed class ApprovalsBrowserTests(SqliteApprovalService service) : IClassFixture<SqliteApprovalService>
{
    private string Base => $"http://127.0.0.1:{service.Host.Port}";

    /// <summary>
    /// The answer is in the redirected page's HTML: wait for it to be parsed, not for every subresource's load event
    /// (under a busy CI run that wait once outlasted the 120 s timeout after the redirect had arrived).
    /// </summary>
    private static readonly PageWaitForURLOptions AnswerShown = new() { WaitUntil = WaitUntilState.DOMContentLoaded };

    [ChromiumFact]
    public async Task Operator_ApprovesAndRejectsFromThePage_TheQueueRecordsWhoAndTheNote()
    {
        await using var session = await BrowserSession.OpenAsync(Base, ApprovalService.OperatorKey, "/approvals?service=legacy");
        var page = session.Page;
        var row = page.Locator("tr[data-approval='legacy@seed-3']");
        Assert.Equal("pending", await row.GetAttributeAsync("data-status"));
        Assert.Contains("m.large=2", await row.InnerTextAsync());
        await row.Locator("input[name=note]").FillAsync("fine for the sale");
        await row.Locator("button.approve").ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("message=", StringComparison.Ordinal), AnswerShown);
        Assert.Contains("Approved legacy@seed-3", await page.Locator("#answer").InnerTextAsync());
        Assert.Equal(0, await page.Locator("tr[data-approval='legacy@seed-3']").CountAsync());

        var approved = await GetAsync("/api/v1/approvals/legacy@seed-3");
        Assert.Equal("approved", approved.GetProperty("status").GetString());
        Assert.Equal(ApprovalService.OperatorId, approved.GetProperty("decidedBy").GetString());
        Assert.Equal("fine for the sale", approved.GetProperty("note").GetString());

        await page.GotoAsync(Base + "/approvals?service=legacy");
        await page.Locator("tr[data-approval='legacy@seed-4'] button.reject").ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("message=", StringComparison.Ordinal), AnswerShown);
        Assert.Contains("Rejected legacy@seed-4", await page.Locator("#answer").InnerTextAsync());
        Assert.Equal("rejected", (await GetAsync("/api/v1/approvals/legacy@seed-4")).GetProperty("status").GetString());

        // Answering twice: the page says why (409 from the desk), nothing changes.
        var again = await page.APIRequest.PostAsync(Base + "/approvals/legacy@seed-3/answer", new()
        {
            Form = FormWith(page, await TokenAsync(page), "reject"),
            MaxRedirects = 0,
        });
        Assert.Equal(302, again.Status);
        Assert.Contains("ok=false", again.Headers["location"]);
        Assert.Equal("approved", (await GetAsync("/api/v1/approvals/legacy@seed-3")).GetProperty("status").GetString());

        // The approved change is listed as approved, with who and the note.
        await page.GotoAsync(Base + "/approvals?service=legacy&status=approved");
        var listed = page.Locator("tr[data-approval='legacy@seed-3']");
        Assert.Contains(ApprovalService.OperatorId, await listed.Locator("td.status").InnerTextAsync());
        Assert.Contains("fine for the sale", await listed.Locator("td.status").InnerTextAsync());
    }

    [ChromiumFact]
    public async Task Analyst_SeesTheQueueWithoutButtons_AndCannotAnswer()
    {
        await using var session = await BrowserSession.OpenAsync(Base, ApprovalService.AnalystKey, "/approvals?service=legacy");
        var page = session.Page;
        Assert.True(await page.Locator("tr[data-approval='legacy@seed-5']").CountAsync() == 1);
        Assert.Equal(0, await page.Locator("button.approve").CountAsync());
        Assert.True(await page.Locator("#read-only").IsVisibleAsync());

        // Posting the answer form anyway (with a valid antiforgery token of the session) is forbidden for an analyst.
        var forged = await page.APIRequest.PostAsync(Base + "/approvals/legacy@seed-5/answer", new() { Form = FormWith(page, await TokenAsync(page), "approve"), MaxRedirects = 0 });
        Assert.Equal(403, forged.Status);
        Assert.Equal("pending", (await GetAsync("/api/v1/approvals/legacy@seed-5")).GetProperty("status").GetString());
    }

    [ChromiumFact]
    public async Task OperatorSession_PostWithoutTheToken_IsRefused()
    {
        await using var session = await BrowserSession.OpenAsync(Base, ApprovalService.OperatorKey, "/approvals?service=legacy");
        var form = session.Page.APIRequest.CreateFormData();
        form.Set("answer", "approve");
        var response = await session.Page.APIRequest.PostAsync(Base + "/approvals/legacy@seed-6/answer", new() { Form = form, MaxRedirects = 0 });
        Assert.Equal(400, response.Status);
        Assert.Contains("antiforgery", await response.TextAsync());
        Assert.Equal("pending", (await GetAsync("/api/v1/approvals/legacy@seed-6")).GetProperty("status").GetString());
    }

    /// <summary>The antiforgery token a page of this session carries (the login form has one for everybody).</summary>
    private static async Task<string> TokenAsync(Microsoft.Playwright.IPage page)
    {
        if (await page.Locator($"input[name={AccessSchemes.CsrfField}]").CountAsync() == 0)
        {
            await page.GotoAsync(page.Url.Split('?')[0].Replace("/approvals", "/login", StringComparison.Ordinal));
        }

        return (await page.Locator($"input[name={AccessSchemes.CsrfField}]").First.GetAttributeAsync("value"))!;
    }

    private static Microsoft.Playwright.IFormData FormWith(Microsoft.Playwright.IPage page, string token, string answer)
    {
        var form = page.APIRequest.CreateFormData();
        form.Set(AccessSchemes.CsrfField, token);
        form.Set("answer", answer);
        return form;
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        var response = await service.Host.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
