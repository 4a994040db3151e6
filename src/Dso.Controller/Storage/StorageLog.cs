namespace Dso.Controller.Storage;

internal static partial class StorageLog
{
    [LoggerMessage(EventId = 6007, Level = LogLevel.Information, Message = "decision log on {Provider}: {Where}")]
    public static partial void Using(ILogger logger, string provider, string where);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "retention removed {Decisions} decision(s), {Outcomes} outcome(s) before {DecisionsBefore:o} and {Events} event(s) before {EventsBefore:o}")]
    public static partial void Purged(ILogger logger, int decisions, int outcomes, DateTimeOffset decisionsBefore, int events, DateTimeOffset eventsBefore);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "retention pass failed; it runs again at the next interval")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "decision log {Path} is new (missing or empty) but the data directory holds earlier state ({Evidence}): earlier decisions and month-to-date spend are not in it, so a hard budget counts from zero; restore the file if it was lost")]
    public static partial void NewLogBesideOldState(ILogger logger, string path, string evidence);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "decision log {Path} checked (PRAGMA quick_check) in {Milliseconds} ms: ok")]
    public static partial void Checked(ILogger logger, string path, long milliseconds);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Warning, Message = "decision log {Path}: the integrity check did not finish within DecisionLog:StartupCheckTimeout ({Timeout}); starting unchecked (a damaged page would show up as failing queries: raise the timeout to check it all)")]
    public static partial void CheckUnfinished(ILogger logger, string path, TimeSpan timeout);
}
