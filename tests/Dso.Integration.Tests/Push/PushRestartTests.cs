using System.Net.Http.Headers;
using System.Text;
using Dso.Abstractions.Metrics;
using Dso.Ingestion.Store;
using Dso.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dso.Integration.Tests.Push;

/// <summary>The series store is snapshotted on shutdown and restored on start: a restart keeps pushed history.</summary>
public sealed class PushRestartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dso-push-restart-").FullName;

    [Fact]
    public async Task Restart_AfterPushes_KeepsTheHistory()
    {
        var policies = PushPolicies.Write(_dir);
        var data = Path.Combine(_dir, "data");
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        var samples = string.Join(",", Enumerable.Range(0, 30).Select(i => $$"""{"kpi":"request_rate","timestamp":"{{start.AddMinutes(i):O}}","value":{{i}}}"""));

        await using (var first = await TestHost.StartAsync(data, policies, null, PushPolicies.Settings))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/push/open") { Content = new StringContent($$"""{"samples":[{{samples}}]}""", Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PushPolicies.OpenToken);
            (await first.Http.SendAsync(request)).EnsureSuccessStatusCode();
        }

        await using var second = await TestHost.StartAsync(data, policies, null, PushPolicies.Settings);
        var store = second.App.Services.GetRequiredService<ISeriesStore>();

        var history = store.Range("open", KpiNames.RequestRate, start, DateTimeOffset.UtcNow);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (double)i), history.Select(p => p.Value));
        Assert.True(File.Exists(Path.Combine(data, "series.snapshot")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
