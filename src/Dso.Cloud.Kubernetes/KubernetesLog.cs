using Microsoft.Extensions.Logging;

namespace Dso.Cloud.Kubernetes;

internal static partial class KubernetesLog
{
    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "kubernetes: scaled '{Namespace}/{Workload}' from {From} to {To} replicas (decision {DecisionId})")]
    public static partial void Scaled(ILogger logger, string @namespace, string workload, int from, int to, string decisionId);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "kubernetes: '{Namespace}/{Workload}' changed while being scaled (409, attempt {Attempt}); reading it again")]
    public static partial void Conflict(ILogger logger, string @namespace, string workload, int attempt);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Information, Message = "kubernetes: scale-in of '{Namespace}/{Workload}' {From} -> {To} waits until the replacements are ready")]
    public static partial void ScaleInDeferred(ILogger logger, string @namespace, string workload, int from, int to);
}
