using Quartz;

namespace Dso.Controller.Hosting;

/// <summary>Scheduled retraining: asks the service's loop to retrain its forecaster at its next tick.</summary>
[DisallowConcurrentExecution]
internal sealed class RetrainJob(LoopRegistry loops) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (loops.TryGet(context.MergedJobDataMap.GetString(ReconcileJob.ServiceKey)!, out var loop))
        {
            loop.RequestRetrain("schedule");
        }

        return ValueTask.CompletedTask;
    }
}
