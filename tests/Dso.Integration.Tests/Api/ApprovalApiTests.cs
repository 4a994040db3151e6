using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Dso.Abstractions.Approvals;
using Dso.Abstractions.Catalog;
using Dso.Controller.Web.Access;
using Dso.Integration.Tests.Infrastructure;
using Dso.Reconcile.Approvals;

namespace Dso.Integration.Tests.Api;

/// <summary>
/// <c>/api/v1/approvals</c> on a running service: the live approve flow (a change waits, an operator approves it, the
/// next tick applies it and the log names the operator), listing with filters, answering, 404/409/400/401/403,
/// OpenAPI, and the queue seen from a second handle on the store (another replica, a restarted process).
/// Runs once per store (<see cref="SqliteApprovalApiTests"/>, <see cref="PostgresApprovalApiTests"/>).
/// </summary>
public abstract class ApprovalApiTests(ApprovalService service)
{
    private HttpClient Http => service.Host.Http;

    protected async Task LiveFlow_ChangeWaitsThenApprovedByOperatorIsApplied()
    {
        var pending = await Eventually.WaitAsync(() => ItemsAsync("/api/v1/approvals?service=shop"), items => items.Count > 0, TimeSpan.FromSeconds(60));
        var request = Assert.Single(pending);
        Assert.Equal("pending", request.GetProperty("status").GetString());
        var id = request.GetProperty("id").GetString()!;
        Assert.Equal(Fleet.Of(("m.large", 1)), Fleet.Parse(request.GetProperty("before").GetString()));
        Assert.True(Fleet.Parse(request.GetProperty("target").GetString()).Total > 1);

        // Nothing was applied while it waited: every shop decision so far kept the fleet and says why.
        var waiting = await GetAsync($"/api/v1/decisions?service=shop&outcome=awaiting_approval");
        Assert.NotEmpty(waiting.GetProperty("items").EnumerateArray());
        Assert.Empty((await GetAsync("/api/v1/decisions?service=shop&outcome=applied")).GetProperty("items").EnumerateArray());

        var answered = await PostAsync($"/api/v1/approvals/{Uri.EscapeDataString(id)}/approve", OperatorKey, """{"note": "ok for the sale"}""");
        Assert.Equal(HttpStatusCode.OK, answered.Status);
        Assert.Equal(ApprovalService.OperatorId, answered.Body.GetProperty("decidedBy").GetString());
        Assert.Equal("ok for the sale", answered.Body.GetProperty("note").GetString());

        var applied = await Eventually.WaitAsync(() => GetAsync($"/api/v1/approvals/{Uri.EscapeDataString(id)}"),
            a => a.GetProperty("status").GetString() is "applied" or "refused", TimeSpan.FromSeconds(60));
        Assert.Equal("applied", applied.GetProperty("status").GetString());
        var decisionId = applied.GetProperty("appliedDecisionId").GetString()!;
        var decision = await GetAsync($"/api/v1/decisions/{Uri.EscapeDataString(decisionId)}");
        Assert.Equal(ApprovalService.OperatorId, decision.GetProperty("decision").GetProperty("approval").GetProperty("approvedBy").GetString());
        Assert.Equal("applied", decision.GetProperty("outcome").GetProperty("status").GetString());
        Assert.Equal(request.GetProperty("target").ToString(), decision.GetProperty("decision").GetProperty("chosen").ToString());
    }

    protected async Task List_FiltersByServiceStatusAndTime()
    {
        var billing = await ItemsAsync("/api/v1/approvals?service=billing");
        Assert.Equal(["billing@seed-1", "billing@seed-2"], billing.Select(Id));
        var recent = await ItemsAsync($"/api/v1/approvals?service=billing&from={Iso(service.Seeded.AddDays(-1))}");
        Assert.Equal(["billing@seed-1"], recent.Select(Id));
        var older = await ItemsAsync($"/api/v1/approvals?service=billing&to={Iso(service.Seeded.AddDays(-1))}");
        Assert.Equal(["billing@seed-2"], older.Select(Id));
        Assert.Single(await ItemsAsync("/api/v1/approvals?service=billing&limit=1"));
        var rejected = await ItemsAsync("/api/v1/approvals?service=legacy&status=rejected");
        Assert.Contains("legacy@seed-12", rejected.Select(Id));
        Assert.All(rejected, r => Assert.Equal("rejected", r.GetProperty("status").GetString()));

        // Listing records the expiry of a request nobody answered in time, by the system.
        var expired = await ItemsAsync("/api/v1/approvals?service=legacy&status=expired");
        var eleven = Assert.Single(expired, r => Id(r) == "legacy@seed-11");
        Assert.Equal(ApprovalDesk.System, eleven.GetProperty("decidedBy").GetString());
        Assert.DoesNotContain("legacy@seed-11", (await ItemsAsync("/api/v1/approvals?service=legacy")).Select(Id));
        var all = await ItemsAsync("/api/v1/approvals?service=legacy&status=all&limit=1000");
        Assert.Equal(12, all.Count);
    }

    protected async Task Answer_ApproveRejectThen409_404_AndWhoIsRecorded()
    {
        var approved = await PostAsync("/api/v1/approvals/legacy@seed-1/approve", OperatorKey, null);
        Assert.Equal(HttpStatusCode.OK, approved.Status);
        Assert.Equal("approved", approved.Body.GetProperty("status").GetString());
        Assert.Equal(ApprovalService.OperatorId, approved.Body.GetProperty("decidedBy").GetString());
        Assert.True(approved.Body.GetProperty("decidedAt").GetDateTimeOffset() > service.Seeded.AddMinutes(-1));

        var again = await PostAsync("/api/v1/approvals/legacy@seed-1/reject", OperatorKey, null);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("approved", again.Body.GetProperty("status").GetString());
        Assert.Contains("not pending", again.Body.GetProperty("error").GetString(), StringComparison.Ordinal);

        var rejected = await PostAsync("/api/v1/approvals/legacy@seed-2/reject", OperatorKey, """{"note": "not in the freeze"}""");
        Assert.Equal(HttpStatusCode.OK, rejected.Status);
        Assert.Equal("rejected", (await GetAsync("/api/v1/approvals/legacy@seed-2")).GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync("/api/v1/approvals/legacy@seed-12/approve", OperatorKey, null)).Status);
        var late = await PostAsync("/api/v1/approvals/legacy@seed-11/approve", OperatorKey, null);
        Assert.Equal(HttpStatusCode.Conflict, late.Status);
        Assert.Equal("expired", late.Body.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync("/api/v1/approvals/nope@1/approve", OperatorKey, null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v1/approvals/nope@1")).StatusCode);

        // The issue's un-versioned path answers the same.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/approvals/legacy@seed-3/approve", OperatorKey, null)).Status);
        Assert.Contains("legacy@seed-3", (await ItemsAsync("/api/approvals?service=legacy&status=approved")).Select(Id));

        using var store = service.OpenStore();
        var events = await store.Store.EventsAsync("legacy", null, null, null, 100, default);
        Assert.Contains(events, e => e.Kind == "approval_approved" && e.Message.Contains("legacy@seed-1", StringComparison.Ordinal) && e.Message.Contains($"'{ApprovalService.OperatorId}'", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Kind == "approval_rejected" && e.Message.Contains("not in the freeze", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Kind == "approval_expired" && e.Message.Contains("legacy@seed-11", StringComparison.Ordinal));
    }

    protected async Task Auth_AnalystReadsButCannotAnswer_NoKeyIs401()
    {
        using var anonymous = new HttpClient { BaseAddress = Http.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/approvals")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/v1/approvals/legacy@seed-4/approve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync("/api/v1/approvals/legacy@seed-4/approve", ApprovalService.AnalystKey, null)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync("/api/v1/approvals/legacy@seed-4/reject", ApprovalService.AnalystKey, null)).Status);
        Assert.Equal("pending", (await GetAsync("/api/v1/approvals/legacy@seed-4")).GetProperty("status").GetString());
    }

    protected async Task BadInput_Each400NamesTheParameter()
    {
        (string Url, string Parameter)[] cases =
        [
            ("/api/v1/approvals?status=waiting", "status"),
            ("/api/v1/approvals?limit=0", "limit"),
            ("/api/v1/approvals?limit=abc", "limit"),
            ("/api/v1/approvals?from=yesterday", "from"),
            ($"/api/v1/approvals?from={Iso(service.Seeded)}&to={Iso(service.Seeded.AddDays(-1))}", "to"),
            ("/api/v1/approvals?servce=shop", "servce"),
        ];
        foreach (var (url, parameter) in cases)
        {
            var response = await Http.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, url);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(parameter, doc.RootElement.GetProperty("parameter").GetString());
        }

        foreach (var body in new[] { "{\"note\": 5}", "{\"comment\": \"x\"}", "not json", "[1]", $"{{\"note\": \"{new string('x', 600)}\"}}" })
        {
            var answered = await PostAsync("/api/v1/approvals/legacy@seed-5/approve", OperatorKey, body);
            Assert.True(answered.Status == HttpStatusCode.BadRequest, body);
            Assert.Equal("note", answered.Body.GetProperty("parameter").GetString());
        }

        Assert.Equal("pending", (await GetAsync("/api/v1/approvals/legacy@seed-5")).GetProperty("status").GetString());
    }

    protected async Task OpenApi_DescribesTheApprovalsApi()
    {
        var doc = await GetAsync("/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        var names = paths.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/approvals", names);
        Assert.Contains("/api/v1/approvals/{id}", names);
        Assert.Contains("/api/v1/approvals/{id}/approve", names);
        Assert.Contains("/api/v1/approvals/{id}/reject", names);
        Assert.DoesNotContain("/api/approvals", names);
        var parameters = paths.GetProperty("/api/v1/approvals").GetProperty("get").GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("status", parameters, StringComparer.OrdinalIgnoreCase);
        var responses = paths.GetProperty("/api/v1/approvals/{id}/approve").GetProperty("post").GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
        Assert.Contains("409", responses);
        Assert.Contains("404", responses);
    }

    protected async Task Queue_IsSharedWithAnotherReplicaOrARestartedProcess()
    {
        // Another process on the same store sees the pending request and answers it; this service sees the answer.
        using (var replica = service.OpenStore())
        {
            var seen = await replica.Store.FindApprovalAsync("legacy@seed-6", default);
            Assert.Equal(ApprovalStatus.Pending, seen!.Status);
            var desk = new ApprovalDesk(replica.Store, replica.Store, TimeProvider.System);
            Assert.Equal(ApprovalAnswerKind.Taken, (await desk.RejectAsync("legacy@seed-6", "replica-op", null, default)).Kind);
        }

        var answered = await GetAsync("/api/v1/approvals/legacy@seed-6");
        Assert.Equal("rejected", answered.GetProperty("status").GetString());
        Assert.Equal("replica-op", answered.GetProperty("decidedBy").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync("/api/v1/approvals/legacy@seed-6/approve", OperatorKey, null)).Status);
    }

    private const string OperatorKey = ApprovalService.OperatorKey;

    private static string Id(JsonElement item) => item.GetProperty("id").GetString()!;

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));

    private async Task<List<JsonElement>> ItemsAsync(string url) => (await GetAsync(url)).GetProperty("items").EnumerateArray().ToList();

    private async Task<JsonElement> GetAsync(string url)
    {
        var response = await Http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string url, string key, string? json)
    {
        using var client = new HttpClient { BaseAddress = Http.BaseAddress };
        using var message = new HttpRequestMessage(HttpMethod.Post, url);
        message.Headers.Add(AccessSchemes.ApiKeyHeader, key);
        if (json is not null)
        {
            message.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}

public sealed class SqliteApprovalApiTests(SqliteApprovalService service) : ApprovalApiTests(service), IClassFixture<SqliteApprovalService>
{
    [Fact]
    public Task LiveFlow_ChangeWaitsThenApprovedByOperatorIsApplied_Sqlite() => LiveFlow_ChangeWaitsThenApprovedByOperatorIsApplied();

    [Fact]
    public Task List_FiltersByServiceStatusAndTime_Sqlite() => List_FiltersByServiceStatusAndTime();

    [Fact]
    public Task Answer_ApproveRejectThen409_404_AndWhoIsRecorded_Sqlite() => Answer_ApproveRejectThen409_404_AndWhoIsRecorded();

    [Fact]
    public Task Auth_AnalystReadsButCannotAnswer_NoKeyIs401_Sqlite() => Auth_AnalystReadsButCannotAnswer_NoKeyIs401();

    [Fact]
    public Task BadInput_Each400NamesTheParameter_Sqlite() => BadInput_Each400NamesTheParameter();

    [Fact]
    public Task OpenApi_DescribesTheApprovalsApi_Sqlite() => OpenApi_DescribesTheApprovalsApi();

    [Fact]
    public Task Queue_IsSharedWithAnotherReplicaOrARestartedProcess_Sqlite() => Queue_IsSharedWithAnotherReplicaOrARestartedProcess();
}

public sealed class PostgresApprovalApiTests(PostgresApprovalService service) : ApprovalApiTests(service), IClassFixture<PostgresApprovalService>
{
    [PostgresFact]
    public Task LiveFlow_ChangeWaitsThenApprovedByOperatorIsApplied_Postgres() => LiveFlow_ChangeWaitsThenApprovedByOperatorIsApplied();

    [PostgresFact]
    public Task List_FiltersByServiceStatusAndTime_Postgres() => List_FiltersByServiceStatusAndTime();

    [PostgresFact]
    public Task Answer_ApproveRejectThen409_404_AndWhoIsRecorded_Postgres() => Answer_ApproveRejectThen409_404_AndWhoIsRecorded();

    [PostgresFact]
    public Task Auth_AnalystReadsButCannotAnswer_NoKeyIs401_Postgres() => Auth_AnalystReadsButCannotAnswer_NoKeyIs401();

    [PostgresFact]
    public Task BadInput_Each400NamesTheParameter_Postgres() => BadInput_Each400NamesTheParameter();

    [PostgresFact]
    public Task OpenApi_DescribesTheApprovalsApi_Postgres() => OpenApi_DescribesTheApprovalsApi();

    [PostgresFact]
    public Task Queue_IsSharedWithAnotherReplicaOrARestartedProcess_Postgres() => Queue_IsSharedWithAnotherReplicaOrARestartedProcess();
}
