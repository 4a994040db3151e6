using Dso.Controller.Hosting;
using Quartz;

namespace Dso.Controller.Health;

/// <summary>
/// Ready means what an orchestrator needs before sending traffic or counting the rollout done: a policy set is loaded
/// and every declared service's loop is scheduled on a running scheduler.
/// </summary>
internal sealed class Readiness(LoopRegistry loops, ISchedulerFactory schedulers)
{
    public async Task<(bool Ready, string Reason)> CheckAsync(CancellationToken ct)
    {
        var services = loops.Current.Services;
        if (services.Count == 0)
        {
            return (false, "no policy set loaded yet");
        }

        var scheduler = await schedulers.GetScheduler(ct);
        if (await scheduler.GetStatus(ct) != SchedulerStatus.Running)
        {
            return (false, "the tick scheduler is not running");
        }

        foreach (var service in services)
        {
            if (!loops.TryGet(service.Name, out _) || !await scheduler.Exists(new JobKey(service.Name, "reconcile"), ct))
            {
                return (false, $"service '{service.Name}' has no running loop yet");
            }
        }

        return (true, $"{services.Count} service loop(s) running");
    }
}
