using Dso.Controller.Hosting;
using Dso.DecisionLog;
using Dso.DecisionLog.Queries;
using Microsoft.Extensions.Options;
using Quartz;

namespace Dso.Controller.Storage;

/// <summary>Deletes decisions and events past their retention, measured on the service clock (the clock that stamped them).</summary>
[DisallowConcurrentExecution]
internal sealed class RetentionJob(IDecisionStore store, ServiceClock clock, IOptions<DecisionLogOptions> options, ILogger<RetentionJob> logger) : IJob
{
    public static readonly JobKey Key = new("retention", "decision-log");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            StorageLog.PurgeFailed(logger, ex);
        }
    }

    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.Time.GetUtcNow();
        var decisionsBefore = now - options.Value.KeepDecisions;
        var eventsBefore = now - options.Value.KeepEvents;
        var result = await store.PurgeAsync(decisionsBefore, eventsBefore, cancellationToken);
        StorageLog.Purged(logger, result.Decisions, result.Outcomes, decisionsBefore, result.Events, eventsBefore);
        return result;
    }
}
