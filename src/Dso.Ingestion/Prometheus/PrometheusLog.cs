using Microsoft.Extensions.Logging;

namespace Dso.Ingestion.Prometheus;

internal static partial class PrometheusLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "service '{Service}': Prometheus at {Url} failed ({Problem}); retry {Attempt} in {Delay}")]
    public static partial void Retrying(ILogger logger, string service, Uri url, int attempt, TimeSpan delay, string? problem);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "service '{Service}': Prometheus reading is {Health}: {Problem}")]
    public static partial void Unhealthy(ILogger logger, string service, string health, string problem);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "service '{Service}': Prometheus at {Url} answers again")]
    public static partial void Recovered(ILogger logger, string service, Uri url);
}
