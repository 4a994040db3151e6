using Microsoft.Extensions.Logging;

namespace Dso.Cloud.Azure;

internal static partial class AzureLog
{
    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "azure: VM scale set '{ResourceGroup}/{ScaleSet}' capacity {From} -> {To} (decision {DecisionId}; operation completed: {Completed})")]
    public static partial void Scaled(ILogger logger, string resourceGroup, string scaleSet, long from, int to, string decisionId, bool completed);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "azure: scale-in of '{ResourceGroup}/{ScaleSet}' {From} -> {To} waits until the replacements are ready")]
    public static partial void ScaleInDeferred(ILogger logger, string resourceGroup, string scaleSet, int from, int to);
}
