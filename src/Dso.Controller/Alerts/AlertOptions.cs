namespace Dso.Controller.Alerts;

/// <summary>Section <c>Alerts</c>: where anomaly and budget alerts are posted. No URL, no alerts.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";
    public const int DefaultQueueCapacity = 1000;

    /// <summary>An HTTP(S) endpoint that receives a JSON alert per event (Slack/Teams relays, Alertmanager webhooks...).</summary>
    public Uri? WebhookUrl { get; set; }

    [System.ComponentModel.DataAnnotations.Range(1, 100_000)]
    public int QueueCapacity { get; set; } = DefaultQueueCapacity;
}
