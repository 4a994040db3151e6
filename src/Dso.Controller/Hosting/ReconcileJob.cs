using Quartz;

namespace Dso.Controller.Hosting;

/// <summary>
/// One tick of one service. Never concurrent with itself: a slow tick delays the next instead of racing it,
/// which is what keeps applying decisions ordered and idempotent.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class ReconcileJob(LoopRegistry loops, ILogger<ReconcileJob> logger) : IJob
{
    public const string ServiceKey = "service";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var service = context.MergedJobDataMap.GetString(ServiceKey)!;
        if (!loops.TryGet(service, out var loop))
        {
            return;
        }

        try
        {
            var result = await loop.TickAsync(cancellationToken);
            if (result.SpendCarriedOver is { } carried)
            {
                LogSpendCarriedOver(service, carried);
            }

            if (result.Failure is { } failure)
            {
                LogTickFailedAt(failure.Exception, service, failure.Stage, failure.Message);
            }
            else if (result.Decision.IsChange)
            {
                LogScaling(service, result.Decision.Before.ToString(), result.Decision.Chosen.ToString(), result.Decision.Reason);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next tick reads actual state again; a failed tick must not stop the schedule.
            LogTickFailed(ex, service);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "service {Service}: scaling {Before} -> {After}: {Reason}")]
    private partial void LogScaling(string service, string before, string after, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "service {Service}: tick failed at stage {Stage}: {Problem}; logged as a failed decision, the next tick starts afresh")]
    private partial void LogTickFailedAt(Exception ex, string service, string stage, string problem);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "service {Service}: {CarriedOver}")]
    private partial void LogSpendCarriedOver(string service, string carriedOver);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "service {Service}: tick failed")]
    private partial void LogTickFailed(Exception ex, string service);
}
