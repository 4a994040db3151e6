namespace Dso.Controller.Web.Access;

internal static partial class AccessLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "listening on {Listen}, which is not loopback, with no Access:Keys configured: every request from another machine is refused (401); configure analyst and operator keys to open the dashboard and API")]
    public static partial void ExposedWithoutKeys(ILogger logger, string listen);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "no Access:Keys configured: reads from loopback need no key; operator actions are refused until an operator key is configured")]
    public static partial void OpenOnLoopback(ILogger logger);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "browser session opened with key '{KeyId}' ({Role}) from {Remote}")]
    public static partial void SessionOpened(ILogger logger, string keyId, string role, string? remote);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "login refused from {Remote}: the key is not one of the configured keys")]
    public static partial void LoginRefused(ILogger logger, string? remote);
}
