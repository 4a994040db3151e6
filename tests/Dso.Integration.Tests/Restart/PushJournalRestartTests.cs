using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dso.Integration.Tests.Infrastructure;
using Dso.Integration.Tests.Push;

namespace Dso.Integration.Tests.Restart;

/// <summary>
/// The real <c>dso</c> process killed with SIGKILL right after the push API acknowledged samples, long before its
/// next snapshot of the series store: the restarted service has them (replayed from the push journal), so resending
/// the same batch is an exact resend of stored samples.
/// </summary>
public sealed class PushJournalRestartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dso-push-journal-").FullName;

    [Fact]
    public async Task Sigkill_RightAfterAnAcknowledgedPush_KeepsTheSamples()
    {
        var policies = PushPolicies.Write(_dir);
        var data = Path.Combine(_dir, "data");
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        var samples = string.Join(",", Enumerable.Range(0, 30).Select(i => $$"""{"kpi":"request_rate","timestamp":"{{start.AddMinutes(i):O}}","value":{{i}}}"""));
        var body = $$"""{"samples":[{{samples}}]}""";

        using (var first = new DsoService(data, policies, _dir, clockSpeed: 1, null, PushPolicies.Settings))
        {
            await first.WaitReadyAsync(TimeSpan.FromSeconds(30));
            var pushed = await PushAsync(first, body);
            Assert.Equal((30, 0), (pushed.GetProperty("accepted").GetInt32(), pushed.GetProperty("duplicates").GetInt32()));
            first.Kill();
        }

        // No snapshot was taken (every 30 s): only the journal holds the samples.
        Assert.False(File.Exists(Path.Combine(data, "series.snapshot")));
        using var second = new DsoService(data, policies, _dir, clockSpeed: 1, null, PushPolicies.Settings);
        await second.WaitReadyAsync(TimeSpan.FromSeconds(30));
        var resent = await PushAsync(second, body);

        Assert.Equal((30, 30), (resent.GetProperty("accepted").GetInt32(), resent.GetProperty("duplicates").GetInt32()));
    }

    private static async Task<JsonElement> PushAsync(DsoService service, string body)
    {
        using var http = new HttpClient { BaseAddress = service.Url };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/push/open") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PushPolicies.OpenToken);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
