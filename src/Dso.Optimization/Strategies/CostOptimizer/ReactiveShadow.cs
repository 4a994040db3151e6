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
    private const int MaxShadowInstances = 1_000_000;

    /// <summary>The reactive baseline's own default, so the comparison is with the stock baseline.</summary>
    private const double TargetUtilization = TargetTrackingStrategy.DefaultTargetUtilization;

    private readonly Queue<(DateTimeOffset At, int Desired)> _window = new();
    /// <summary>Instances by launch time, oldest first; those booted long ago are merged into the first group.</summary>
    private readonly List<(DateTimeOffset At, int Count)> _launched = [];
    private readonly InstanceType _type = FleetMath.SmallestBestValue(policy.Catalog);
    private int _count = -1;

    /// <summary>What the reactive rule would have billed (from launch) and left unserved (launches serve after the boot delay) so far.</summary>
    public RunningTally Tally { get; } = new();

    /// <summary>
    /// The rule's fleet for this tick. On the first tick the rule takes over the fleet actually running (its capacity
    /// in the rule's type: <paramref name="readyCapacity"/> serving, the rest of <paramref name="billedCapacity"/>
    /// booting since now), as the evaluator's reactive reference starts from the scenario's initial fleet: a rule
    /// handed a fleet that already fits would leave nothing unserved while this policy boots the same step, and every
    /// comparison of the first hours (self-correction's included) would count that against the policy.
    /// </summary>
    public Fleet Next(DateTimeOffset now, double demand, double readyCapacity = double.NaN, double billedCapacity = double.NaN)
    {
        demand = double.IsFinite(demand) ? Math.Max(0, demand) : 0;
        if (_count < 0 && double.IsFinite(readyCapacity))
        {
            TakeOver(now, readyCapacity, double.IsFinite(billedCapacity) ? billedCapacity : readyCapacity);
        }

        // The interval since the last tick ran on the fleet chosen then, its launches serving once booted.
        var ready = _launched.Where(l => l.At + policy.BootDelay <= now).Sum(l => l.Count);
        Tally.Add(now, Math.Max(_count, 0) * _type.PricePerHour, ready * _type.CapacityRps, demand);

        // Not capped at max_instances (the counterfactual is what plain target tracking would have wanted), only far
        // enough below int's range that an absurd demand cannot overflow the sums of launches.
        var desired = FleetMath.InstancesFor(demand, _type.CapacityRps, TargetUtilization, policy.Limits.MinInstances, MaxShadowInstances);
        _window.Enqueue((now, desired));
        while (_window.Count > 0 && now - _window.Peek().At > policy.Limits.ScaleDownStabilization)
        {
            _window.Dequeue();
        }

        var target = _window.Max(w => w.Desired);
        Resize(now, target);
        return Fleet.Of((_type.Name, target));
    }

    private void TakeOver(DateTimeOffset now, double readyCapacity, double billedCapacity)
    {
        var ready = Instances(readyCapacity);
        var booting = Math.Max(0, Instances(billedCapacity) - ready);
        _launched.Add((DateTimeOffset.MinValue, ready));
        if (booting > 0)
        {
            _launched.Add((now, booting));
        }

        _count = ready + booting;
    }

    /// <summary>Instances of the rule's type with at least this capacity (the fleet's, whatever its types).</summary>
    private int Instances(double capacity) =>
        capacity > 0 && double.IsFinite(capacity) ? (int)Math.Min(MaxShadowInstances, Math.Ceiling((capacity / _type.CapacityRps) - 1e-9)) : 0;

    private void Resize(DateTimeOffset now, int target)
    {
        var booted = _launched.FindLastIndex(l => l.At + policy.BootDelay <= now);
        if (booted > 0)
        {
            _launched[0] = (DateTimeOffset.MinValue, _launched.Take(booted + 1).Sum(l => l.Count));
            _launched.RemoveRange(1, booted);
        }

        if (_count < 0)
        {
            // The shadow starts from a fleet that serves: it is compared from here on, not from a cold start.
            _launched.Add((DateTimeOffset.MinValue, target));
        }
        else if (target > _count)
        {
            _launched.Add((now, target - _count));
        }

        // Scale-in removes the newest (still booting first), as the evaluator does.
        for (var remove = _count - target; remove > 0 && _launched.Count > 0;)
        {
            var (at, count) = _launched[^1];
            var take = Math.Min(remove, count);
            remove -= take;
            if (take == count)
            {
                _launched.RemoveAt(_launched.Count - 1);
            }
            else
            {
                _launched[^1] = (at, count - take);
            }
        }

        _count = target;
    }

    internal void Save(State.StateWriter w)
    {
        Tally.Save(w);
        w.Write(_count);
        w.Write(_window.Count);
        foreach (var (at, desired) in _window)
        {
            w.Write(at);
            w.Write(desired);
        }

        w.Write(_launched.Count);
        foreach (var (at, count) in _launched)
        {
            w.Write(at);
            w.Write(count);
        }
    }

    internal void Load(State.StateReader r)
    {
        Tally.Load(r);
        _count = r.Int();
        _window.Clear();
        for (var n = r.Count(int.MaxValue); n > 0; n--)
        {
            _window.Enqueue((r.Time(), r.Int()));
        }

        _launched.Clear();
        for (var n = r.Count(int.MaxValue); n > 0; n--)
        {
            _launched.Add((r.Time(), r.Int()));
        }
    }
}
