using System.ComponentModel.DataAnnotations;

namespace Dso.Controller.Alerts;

/// <summary>Section <c>Alerts</c>: where anomaly and budget alerts are posted. No URL, no alerts.</summary>
public sealed class AlertOptions : IValidatableObject
{
    public const string Section = "Alerts";
    public const int DefaultQueueCapacity = 1000;

    /// <summary>An HTTP(S) endpoint that receives a JSON alert per event (Slack/Teams relays, Alertmanager webhooks...).</summary>
    public Uri? WebhookUrl { get; set; }

    [Range(1, 100_000)]
    public int QueueCapacity { get; set; } = DefaultQueueCapacity;

    /// <summary>
    /// A URL without a scheme (<c>hooks.example.com/dso</c>) binds as a relative <see cref="Uri"/>, which the HTTP
    /// client refuses only when the first alert is posted, stopping the host: refuse it at start instead.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WebhookUrl is not null && !(WebhookUrl.IsAbsoluteUri && WebhookUrl.Scheme is "http" or "https"))
        {
            yield return new ValidationResult(
                $"{Section}:WebhookUrl must be an absolute http:// or https:// URL such as https://hooks.example.com/dso (was '{WebhookUrl.OriginalString}')",
                [nameof(WebhookUrl)]);
        }
    }
}
