using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Decisions;
using Dso.Controller.Alerts;
using Dso.Reconcile;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dso.Core.Tests.Alerts;

public sealed class WebhookAlertObserverTests
{
    [Fact]
    public async Task OnTick_AnomalyAndHeldDecision_PostsOneAlertEach()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var options = Options.Create(new AlertOptions { WebhookUrl = new Uri($"http://127.0.0.1:{port}/hook/") });
        using var observer = new WebhookAlertObserver(options, new SimpleHttpClientFactory(), NullLogger<WebhookAlertObserver>.Instance);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await observer.StartAsync(cts.Token);

        observer.OnTick(Tick(anomalies: [new AnomalyEvent("conversion_rate", 0.004, 0.97, "alert_only") { Kind = "LevelShiftDown" }], held: true));

        var bodies = new List<JsonElement>();
        for (var i = 0; i < 2; i++)
        {
            var context = await listener.GetContextAsync().WaitAsync(cts.Token);
            bodies.Add(JsonDocument.Parse(context.Request.InputStream).RootElement.Clone());
            context.Response.StatusCode = 204;
            context.Response.Close();
        }

        Assert.Equal(["anomaly", "held"], bodies.Select(b => b.GetProperty("kind").GetString()).Order());
        Assert.Contains(bodies, b => b.GetProperty("message").GetString()!.Contains("conversion_rate=0.004"));
        Assert.All(bodies, b => Assert.Equal("shop", b.GetProperty("service").GetString()));
        await observer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void OnTick_NoWebhookConfigured_DoesNothing()
    {
        using var observer = new WebhookAlertObserver(Options.Create(new AlertOptions()), new SimpleHttpClientFactory(), NullLogger<WebhookAlertObserver>.Instance);
        observer.OnTick(Tick([new AnomalyEvent("request_rate", 1, 1, "scale_up_now")], held: false));
    }

    private static TickResult Tick(IReadOnlyList<AnomalyEvent> anomalies, bool held) => new(
        new ScalingDecision
        {
            Id = "shop@1",
            Service = "shop",
            Timestamp = DateTimeOffset.UnixEpoch,
            PolicyVersion = "v",
            Kpis = new Dictionary<string, double>(),
            Anomalies = anomalies,
            Before = Fleet.Empty,
            Chosen = Fleet.Empty,
            ChosenHourlyCost = 0,
            Strategy = held ? "hold" : "x",
            Reason = held ? "no usable request rate" : "ok",
            Held = held,
        },
        null,
        TimeSpan.Zero,
        0,
        0);

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private sealed class SimpleHttpClientFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
