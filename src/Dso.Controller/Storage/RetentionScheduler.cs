using Microsoft.Extensions.Options;
using Quartz;

namespace Dso.Controller.Storage;

/// <summary>Schedules <see cref="RetentionJob"/> every <see cref="DecisionLogOptions.RetentionInterval"/>, first one interval after start.</summary>
internal sealed class RetentionScheduler(ISchedulerFactory schedulers, IOptions<DecisionLogOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var every = options.Value.RetentionInterval;
        var trigger = TriggerBuilder.Create().WithIdentity("retention", "decision-log").ForJob(RetentionJob.Key)
            .StartAt(DateTimeOffset.UtcNow + every).WithSimpleSchedule(s => s.WithInterval(every).RepeatForever()).Build();
        await scheduler.DeleteJob(RetentionJob.Key, cancellationToken);
        await scheduler.ScheduleJob(JobBuilder.Create<RetentionJob>().WithIdentity(RetentionJob.Key).Build(), trigger, cancellationToken: cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
