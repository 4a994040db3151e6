using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Decisions;
using Dso.Controller.Alerts;
using Dso.DecisionLog;
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
    public async Task Restart_WithTheStore_DoesNotPageAgainAndEndsWhatEndedWhileDown()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dso-incidents-{Guid.NewGuid():N}.db");
        try
        {
            var budget = new BudgetStatus(900, 500, 899, "hard", Constrained: true);
            var anomaly = new AnomalyEvent("conversion_rate", 0.004, 0.97, "alert_only");
            using (var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(path)))
            {
                var before = new AlertIncidents(log);
                Assert.Equal(2, before.Observe(Tick(0, [anomaly], held: false).Decision with { Budget = budget }).Count);
                Assert.Single(before.ObserveCloud("shop", T0, "shop@0", "terminal NotFound: no group 'web'", answered: false));
            }

            using (var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(path)))
            {
                // The restarted service: the budget still constrains (no new page), the anomaly ended while it was down.
                var after = new AlertIncidents(log);
                var alerts = after.Observe(Tick(30, [], held: false).Decision with { Budget = budget });
                var ended = Assert.Single(alerts);
                Assert.Equal((Alert.End, "anomaly", "conversion_rate"), (ended.Phase, ended.Kind, ended.Subject));
                Assert.Equal("resolved: anomaly on conversion_rate since 2026-03-02 12:00 ended", ended.Message);
                Assert.Empty(after.ObserveCloud("shop", T0.AddMinutes(30), "shop@30", "terminal NotFound: no group 'web'", answered: false));
                Assert.Equal(Alert.End, Assert.Single(after.ObserveCloud("shop", T0.AddMinutes(31), "shop@31", null, answered: true)).Phase);
            }

            using (var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(path)))
            {
                // What is still open: the budget incident, since its first tick.
                Assert.Equal([new OpenIncident("shop", "budget", "", T0)], await log.OpenIncidentsAsync(CancellationToken.None));
            }
        }
        finally
        {
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public void StoreFailure_KeepsTheIncidentInMemoryAndSaysSo()
    {
        var problems = new List<string>();
        var incidents = new AlertIncidents(new BrokenStore(), problems.Add);

        Assert.Single(incidents.Observe(Tick(0, [], held: true).Decision));
        Assert.Empty(incidents.Observe(Tick(1, [], held: true).Decision));
        Assert.Equal(Alert.End, Assert.Single(incidents.Observe(Tick(2, [], held: false).Decision)).Phase);
        Assert.Equal(["reading the open incidents: disk I/O error", "opening the held incident of shop: disk I/O error", "closing the held incident of shop: disk I/O error"], problems);
    }

    private sealed class BrokenStore : IIncidentStore
    {
        public Task<IReadOnlyList<OpenIncident>> OpenIncidentsAsync(CancellationToken cancellationToken) => throw new IOException("disk I/O error");

        public Task OpenIncidentAsync(OpenIncident incident, CancellationToken cancellationToken) => Task.FromException(new IOException("disk I/O error"));

        public Task CloseIncidentAsync(string service, string kind, string subject, CancellationToken cancellationToken) => Task.FromException(new IOException("disk I/O error"));
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
