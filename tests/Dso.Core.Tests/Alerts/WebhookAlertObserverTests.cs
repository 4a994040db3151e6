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
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task OnTick_HeldForAnHourWithAnAnomaly_PostsStartAndEndOfEachIncidentOnly()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var options = Options.Create(new AlertOptions { WebhookUrl = new Uri($"http://127.0.0.1:{port}/hook/") });
        using var observer = new WebhookAlertObserver(options, new SimpleHttpClientFactory(), NullLogger<WebhookAlertObserver>.Instance);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await observer.StartAsync(cts.Token);

        // 60 held ticks (a metrics outage), an anomaly on the first 3 of them, then a normal tick.
        for (var i = 0; i < 60; i++)
        {
            IReadOnlyList<AnomalyEvent> anomalies = i < 3 ? [new AnomalyEvent("conversion_rate", 0.004, 0.97, "alert_only") { Kind = "LevelShiftDown" }] : [];
            observer.OnTick(Tick(i, anomalies, held: true));
        }

        observer.OnTick(Tick(60, [], held: false));

        var bodies = new List<JsonElement>();
        for (var i = 0; i < 4; i++)
        {
            var context = await listener.GetContextAsync().WaitAsync(cts.Token);
            bodies.Add(JsonDocument.Parse(context.Request.InputStream).RootElement.Clone());
            context.Response.StatusCode = 204;
            context.Response.Close();
        }

        // Nothing more arrives: no per-tick repeats.
        var extra = listener.GetContextAsync();
        Assert.NotSame(extra, await Task.WhenAny(extra, Task.Delay(1500, cts.Token)));

        var seen = bodies.Select(b => $"{b.GetProperty("kind").GetString()}:{b.GetProperty("phase").GetString()}").Order().ToArray();
        Assert.Equal(["anomaly:end", "anomaly:start", "held:end", "held:start"], seen);
        var anomalyStart = bodies.Single(b => b.GetProperty("kind").GetString() == "anomaly" && b.GetProperty("phase").GetString() == "start");
        Assert.Contains("conversion_rate=0.004", anomalyStart.GetProperty("message").GetString());
        Assert.Equal("shop@3", bodies.Single(b => b.GetProperty("kind").GetString() == "anomaly" && b.GetProperty("phase").GetString() == "end").GetProperty("decisionId").GetString());
        Assert.Equal("shop@60", bodies.Single(b => b.GetProperty("kind").GetString() == "held" && b.GetProperty("phase").GetString() == "end").GetProperty("decisionId").GetString());
        Assert.All(bodies, b => Assert.Equal("shop", b.GetProperty("service").GetString()));
        await observer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task OnTick_QueueFullAndWebhookDown_CountsEveryDroppedAlert()
    {
        var queueFull = WebhookAlertObserver.Dropped.WithLabels(WebhookAlertObserver.QueueFull).Value;
        var unreachable = WebhookAlertObserver.Dropped.WithLabels(WebhookAlertObserver.Unreachable).Value;
        // Nothing listens on this port: every post fails.
        var options = Options.Create(new AlertOptions { WebhookUrl = new Uri($"http://127.0.0.1:{FreePort()}/hook/"), QueueCapacity = 2 });
        using var observer = new WebhookAlertObserver(options, new SimpleHttpClientFactory(), NullLogger<WebhookAlertObserver>.Instance);

        // Five distinct incidents queued before the sender starts: capacity 2 drops the three oldest.
        for (var i = 0; i < 5; i++)
        {
            observer.OnTick(Tick(i, [new AnomalyEvent($"kpi{i}", 1, 1, "alert_only")], held: false, service: $"svc{i}"));
        }

        Assert.Equal(3, WebhookAlertObserver.Dropped.WithLabels(WebhookAlertObserver.QueueFull).Value - queueFull);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await observer.StartAsync(cts.Token);
        while (WebhookAlertObserver.Dropped.WithLabels(WebhookAlertObserver.Unreachable).Value - unreachable < 2)
        {
            await Task.Delay(50, cts.Token);
        }

        await observer.StopAsync(CancellationToken.None);
        Assert.Equal(2, WebhookAlertObserver.Dropped.WithLabels(WebhookAlertObserver.Unreachable).Value - unreachable);
    }

    [Fact]
    public void Observe_BudgetTrimmedByTheGuard_AlertsOnceWithTheGuardNote()
    {
        var incidents = new AlertIncidents();
        var budget = new BudgetStatus(900, 500, 899, "hard", Constrained: true);
        var first = incidents.Observe(Tick(0, [], held: false).Decision with { Budget = budget, GuardNotes = ["trimmed to the hard budget (at most $1.2/h)"] });
        var again = incidents.Observe(Tick(1, [], held: false).Decision with { Budget = budget });
        var ended = incidents.Observe(Tick(2, [], held: false).Decision with { Budget = budget with { Constrained = false } });

        var start = Assert.Single(first);
        Assert.Equal("budget", start.Kind);
        Assert.Contains("trimmed to the hard budget", start.Message);
        Assert.Empty(again);
        Assert.Equal(Alert.End, Assert.Single(ended).Phase);
    }

    [Fact]
    public void OnTick_NoWebhookConfigured_QueuesNothing()
    {
        var queueFull = WebhookAlertObserver.Dropped.WithLabels(WebhookAlertObserver.QueueFull).Value;
        using var observer = new WebhookAlertObserver(Options.Create(new AlertOptions { QueueCapacity = 1 }), new SimpleHttpClientFactory(), NullLogger<WebhookAlertObserver>.Instance);
        for (var i = 0; i < 3; i++)
        {
            observer.OnTick(Tick(i, [new AnomalyEvent($"k{i}", 1, 1, "scale_up_now")], held: false, service: "quiet"));
        }

        Assert.Equal(queueFull, WebhookAlertObserver.Dropped.WithLabels(WebhookAlertObserver.QueueFull).Value);
    }

    private static TickResult Tick(int minute, IReadOnlyList<AnomalyEvent> anomalies, bool held, string service = "shop") => new(
        new ScalingDecision
        {
            Id = $"{service}@{minute}",
            Service = service,
            Timestamp = T0.AddMinutes(minute),
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
