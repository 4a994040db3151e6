using Dso.Abstractions.Catalog;
using Dso.Policies.Model;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// What target tracking would hold now (one type at a target utilization, scale-in stabilized), kept alongside
/// the optimizer so every decision can show the reactive alternative it beat or matched, and what that rule would
/// have cost and left unserved so far (the counterfactual an analyst weighs the optimizer's spend against).
/// </summary>
internal sealed class ReactiveShadow(ServicePolicy policy)
{
    /// <summary>The reactive baseline's own default, so the comparison is with the stock baseline.</summary>
    private const double TargetUtilization = TargetTrackingStrategy.DefaultTargetUtilization;

    private readonly Queue<(DateTimeOffset At, int Desired)> _window = new();
    private readonly Queue<(DateTimeOffset At, int Count)> _launched = new();
    private readonly InstanceType _type = FleetMath.SmallestBestValue(policy.Catalog);
    private int _count = -1;

    /// <summary>What the reactive rule would have billed (from launch) and left unserved (launches serve after the boot delay) so far.</summary>
    public RunningTally Tally { get; } = new();

    public Fleet Next(DateTimeOffset now, double demand)
    {
        demand = double.IsFinite(demand) ? Math.Max(0, demand) : 0;
        // The interval since the last tick ran on the fleet chosen then, its launches serving once booted.
        var ready = _launched.Where(l => l.At + policy.BootDelay <= now).Sum(l => l.Count);
        Tally.Add(now, Math.Max(_count, 0) * _type.PricePerHour, ready * _type.CapacityRps, demand);

        var desired = Math.Max(policy.Limits.MinInstances, (int)Math.Ceiling(demand / (_type.CapacityRps * TargetUtilization) - 1e-9));
        _window.Enqueue((now, desired));
        while (_window.Count > 0 && now - _window.Peek().At > policy.Limits.ScaleDownStabilization)
        {
            _window.Dequeue();
        }

        var target = _window.Max(w => w.Desired);
        Resize(now, target);
        return Fleet.Of((_type.Name, target));
    }

    private void Resize(DateTimeOffset now, int target)
    {
        // Launches that have booted are one group: the queue holds at most a boot delay of launches besides it.
        var booted = _launched.Where(l => l.At + policy.BootDelay <= now).ToList();
        if (booted.Count > 1)
        {
            var booting = _launched.Skip(booted.Count).ToList();
            _launched.Clear();
            _launched.Enqueue((DateTimeOffset.MinValue, booted.Sum(l => l.Count)));
            booting.ForEach(_launched.Enqueue);
        }

        if (_count < 0)
        {
            // The shadow starts from a fleet that serves: it is compared from here on, not from a cold start.
            _launched.Enqueue((DateTimeOffset.MinValue, target));
        }
        else if (target > _count)
        {
            _launched.Enqueue((now, target - _count));
        }
        else
        {
            // Scale-in removes the newest (still booting first), as the evaluator does.
            var remove = _count - target;
            var kept = _launched.Reverse().Select(l =>
            {
                var take = Math.Min(remove, l.Count);
                remove -= take;
                return (l.At, Count: l.Count - take);
            }).Where(l => l.Count > 0).Reverse().ToList();
            _launched.Clear();
            kept.ForEach(_launched.Enqueue);
        }

        _count = target;
    }
}
