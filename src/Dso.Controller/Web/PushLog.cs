namespace Dso.Controller.Web;

internal static partial class PushLog
{
    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "push to '{Service}' refused: no valid bearer token (from {Remote})")]
    public static partial void Unauthorized(ILogger logger, string service, string? remote);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "push to '{Service}': {Accepted} sample(s) stored, {Rejected} refused; first problem: {Problem}")]
    public static partial void Rejected(ILogger logger, string service, int accepted, int rejected, string problem);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Information, Message = "push to '{Service}' refused: {Problem}")]
    public static partial void Refused(ILogger logger, string service, string problem);
}
