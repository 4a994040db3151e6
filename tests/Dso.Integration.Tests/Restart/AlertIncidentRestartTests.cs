using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dso.Integration.Tests.Infrastructure;
using Dso.Integration.Tests.Push;

namespace Dso.Integration.Tests.Restart;

/// <summary>
/// The real service with an alert webhook, restarted while an incident is open (a push service that has never been
/// sent a sample holds its fleet every tick): the restarted service does not page again for it, and ends it when the
/// condition ends.
/// </summary>
public sealed class AlertIncidentRestartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dso-incident-restart-").FullName;
    private readonly ConcurrentQueue<JsonElement> _alerts = new();

    [Fact]
    public async Task Restart_WhileHeld_PagesOnceAndEndsAfterTheRestart()
    {
        var policies = Path.Combine(_dir, "policies");
        Directory.CreateDirectory(policies);
        File.WriteAllText(Path.Combine(policies, "services.yaml"), "services:\n" + PushPolicies.Service("open", "push", ""));
        var port = FreePort.Next();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        using var stop = new CancellationTokenSource();
        var receiving = ReceiveAsync(listener, stop.Token);
        string[] settings = [.. PushPolicies.Settings, $"--Alerts:WebhookUrl=http://127.0.0.1:{port}/hook/"];
        var data = Path.Combine(_dir, "data");

        await using (var first = await TestHost.StartAsync(data, policies, null, settings))
        {
            await Eventually.WaitAsync(() => Task.FromResult(Count("held", "start")), n => n >= 1, TimeSpan.FromSeconds(20));
        }

        Assert.Equal(1, Count("held", "start"));
        await using (var second = await TestHost.StartAsync(data, policies, null, settings))
        {
            // Several held ticks of the restarted service: no second page.
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.Equal(1, Count("held", "start"));

            var samples = string.Join(",", Enumerable.Range(0, 3).Select(i => $$"""{"kpi":"request_rate","timestamp":"{{DateTimeOffset.UtcNow.AddSeconds(i - 3):O}}","value":20}"""));
            using var push = new HttpRequestMessage(HttpMethod.Post, "/api/v1/push/open") { Content = new StringContent($$"""{"samples":[{{samples}}]}""", Encoding.UTF8, "application/json") };
            push.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PushPolicies.OpenToken);
            (await second.Http.SendAsync(push)).EnsureSuccessStatusCode();
            await Eventually.WaitAsync(() => Task.FromResult(Count("held", "end")), n => n >= 1, TimeSpan.FromSeconds(20));
        }

        await stop.CancelAsync();
        listener.Stop();
        await receiving;
        Assert.Equal((1, 1), (Count("held", "start"), Count("held", "end")));
    }

    private int Count(string kind, string phase) =>
        _alerts.Count(a => a.GetProperty("kind").GetString() == kind && a.GetProperty("phase").GetString() == phase);

    private async Task ReceiveAsync(HttpListener listener, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().WaitAsync(token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _alerts.Enqueue(JsonDocument.Parse(context.Request.InputStream).RootElement.Clone());
            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
