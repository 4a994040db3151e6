using Dso.Abstractions.Metrics;
using Dso.Cloud.Simulated;
using Dso.Optimization;
using Dso.Policies.Model;
using Dso.Reconcile;

namespace Dso.Testing;

/// <summary>A service loop for a policy on a fresh simulated cloud, logging to memory.</summary>
public static class SimulatedLoops
{
    public static (ServiceLoop Loop, InMemoryDecisionLog Log) Create(ServicePolicy policy, IMetricSource source, TimeProvider time)
    {
        var cloud = new SimulatedCloud(time);
        cloud.EnsureGroup(policy.ScaleGroup, new SimulatedGroupSettings(policy.Catalog, policy.BootDelay, policy.BillingMinimum, policy.InitialFleet));
        var log = new InMemoryDecisionLog();
        var loop = new ServiceLoop(policy, "test", new ServiceLoopDependencies
        {
            Source = source,
            Cloud = cloud,
            Log = log,
            Strategy = StrategyRegistry.CreateDefault().Get(policy.Strategy.Name),
            Time = time,
        });
        return (loop, log);
    }
}
