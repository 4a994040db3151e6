using System.Threading.Channels;
using Dso.Abstractions.Decisions;
using Dso.Reconcile;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Dso.Controller.Alerts;

/// <summary>
/// Turns anomalies, held decisions, budget constraints and terminal cloud errors into incidents (one alert at the start, one at the end)
/// and posts them to the configured webhook from a background queue, so a slow or dead receiver never delays a
/// scaling decision. An alert that is not delivered (queue full: the oldest is dropped; webhook rejected or
/// unreachable) is counted in <c>dso_alerts_dropped_total{reason}</c>.
/// </summary>
/// <param name="store">Where open incidents outlive a restart (the decision log's database); null keeps them in memory.</param>
internal sealed partial class WebhookAlertObserver(IOptions<AlertOptions> options, IHttpClientFactory http, ILogger<WebhookAlertObserver> logger, IIncidentStore? store = null)
    : BackgroundService, ILoopObserver
{
    /// <summary>Reason labels of <c>dso_alerts_dropped_total</c>.</summary>
    public const string QueueFull = "queue_full";
    public const string Rejected = "rejected";
    public const string Unreachable = "unreachable";

    internal static readonly Counter Dropped = Metrics.CreateCounter("dso_alerts_dropped_total",
        "Alerts not delivered: the queue was full (oldest dropped), or the webhook rejected them or could not be reached.", "reason");

    private readonly Channel<Alert> _queue = Channel.CreateBounded<Alert>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest },
        _ => Dropped.WithLabels(QueueFull).Inc());

    private readonly AlertIncidents _incidents = new(store, problem =>
    {
        Hosting.StateMetrics.WriteFailures.WithLabels(Hosting.StateMetrics.AlertIncidents).Inc();
        LogStoreFailed(logger, problem);
    });

    public void OnTick(TickResult result)
    {
        if (options.Value.WebhookUrl is null)
        {
            return;
        }

        foreach (var alert in _incidents.Observe(result.Decision))
        {
            _queue.Writer.TryWrite(alert);
        }

        foreach (var alert in _incidents.ObserveCloud(result.Decision.Service, result.Decision.Timestamp, result.Decision.Id, result.CloudError, result.CloudAnswered))
        {
            _queue.Writer.TryWrite(alert);
        }
    }

    /// <summary>A tick that threw on a terminal cloud error (e.g. reading a scale group that does not exist) starts a cloud incident too.</summary>
    public void OnTickFailed(TickFailure failure)
    {
        if (options.Value.WebhookUrl is null || failure.Exception is not Abstractions.Cloud.CloudProviderException { IsTransient: false })
        {
            return;
        }

        foreach (var alert in _incidents.ObserveCloud(failure.Service, failure.At, $"{failure.Service}@{failure.At:yyyy-MM-ddTHH:mm:ss.fffZ}", failure.Reason, answered: false))
        {
            _queue.Writer.TryWrite(alert);
        }
    }

    /// <summary>Queues an alert raised outside a tick's decision (an experiment's guardrail stop); dropped when no webhook is configured.</summary>
    public void Raise(Alert alert)
    {
        if (options.Value.WebhookUrl is not null)
        {
            _queue.Writer.TryWrite(alert);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var client = http.CreateClient(nameof(WebhookAlertObserver));
        client.Timeout = TimeSpan.FromSeconds(5);
        await foreach (var alert in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                using var response = await client.PostAsJsonAsync(options.Value.WebhookUrl, alert, stoppingToken);
                if (!response.IsSuccessStatusCode)
                {
                    Dropped.WithLabels(Rejected).Inc();
                    LogRejected(alert.Kind, alert.Service, (int)response.StatusCode);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                Dropped.WithLabels(Unreachable).Inc();
                LogUnreachable(alert.Kind, alert.Service, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "alert webhook rejected a {Kind} alert for {Service}: HTTP {Status}")]
    private partial void LogRejected(string kind, string service, int status);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "alert webhook unreachable for a {Kind} alert for {Service}: {Problem}")]
    private partial void LogUnreachable(string kind, string service, string problem);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "open alert incidents not kept across restarts: {Problem}")]
    private static partial void LogStoreFailed(ILogger logger, string problem);
}
