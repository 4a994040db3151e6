using System.Threading.Channels;
using Dso.Reconcile;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Alerts;

/// <summary>
/// Turns anomalies, held decisions and budget constraints into alerts and posts them to the configured webhook
/// from a background queue, so a slow or dead receiver never delays a scaling decision. When the queue is
/// full the oldest alert is dropped and counted.
/// </summary>
internal sealed partial class WebhookAlertObserver(IOptions<AlertOptions> options, IHttpClientFactory http, ILogger<WebhookAlertObserver> logger)
    : BackgroundService, ILoopObserver
{
    private readonly Channel<Alert> _queue = Channel.CreateBounded<Alert>(new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest });

    public void OnTick(TickResult result)
    {
        if (options.Value.WebhookUrl is null)
        {
            return;
        }

        var d = result.Decision;
        foreach (var anomaly in d.Anomalies)
        {
            _queue.Writer.TryWrite(new Alert(d.Service, d.Timestamp, "anomaly", $"{anomaly.Kpi}={anomaly.Value:0.###} is anomalous (score {anomaly.Score:0.00}, {anomaly.Kind}): {anomaly.Action}", d.Id));
        }

        if (d.Held)
        {
            _queue.Writer.TryWrite(new Alert(d.Service, d.Timestamp, "held", d.Reason, d.Id));
        }

        if (d.Budget is { Constrained: true } budget)
        {
            _queue.Writer.TryWrite(new Alert(d.Service, d.Timestamp, "budget", $"budget constrains scaling: projected ${budget.ProjectedUsd:0.00} of ${budget.MonthlyUsd:0.00} ({budget.Enforcement})", d.Id));
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
                    LogRejected(alert.Kind, alert.Service, (int)response.StatusCode);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogUnreachable(alert.Kind, alert.Service, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "alert webhook rejected a {Kind} alert for {Service}: HTTP {Status}")]
    private partial void LogRejected(string kind, string service, int status);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "alert webhook unreachable for a {Kind} alert for {Service}: {Problem}")]
    private partial void LogUnreachable(string kind, string service, string problem);
}
