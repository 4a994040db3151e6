using Microsoft.Extensions.Logging;

namespace Dso.Cloud.Resilience;

internal static partial class CloudResilienceLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "{Provider}: {Operation} on '{ScaleGroup}' failed ({Kind}: {Problem}); retry {Attempt} in {Delay}")]
    public static partial void Retrying(ILogger logger, string provider, string operation, string scaleGroup, string kind, string? problem, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "{Provider}: circuit opened after repeated transient failures; calls fail at once for {BreakDuration}")]
    public static partial void CircuitOpened(ILogger logger, string provider, TimeSpan breakDuration);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "{Provider}: circuit closed, the provider answers again")]
    public static partial void CircuitClosed(ILogger logger, string provider);
}
