using Prometheus;

namespace Dso.Controller.Web;

/// <summary>The push API's own figures on /metrics: what arrives, what is refused, and how long it takes.</summary>
internal static class PushMetrics
{
    public static readonly Counter Samples = Metrics.CreateCounter("dso_push_samples_total", "Pushed samples by outcome (accepted, rejected).", "service", "outcome");

    public static readonly Counter Requests = Metrics.CreateCounter("dso_push_requests_total", "Push requests by HTTP status.", "status");
}
