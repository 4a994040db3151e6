using System.Collections.Concurrent;
using Dso.Abstractions.Cloud;

namespace Dso.Cloud.Simulated;

/// <summary>
/// A whole cloud in memory: boot delays, per-second billing and an instance catalog with prices. The embedded
/// default and <c>dso simulate</c> run against it; it keeps the last applied key per group so a retried apply
/// is a no-op, exactly as the real adapters must.
/// </summary>
public sealed class SimulatedCloud(TimeProvider time) : ICloudProvider
{
    public const string ProviderName = "simulated";

    private readonly ConcurrentDictionary<string, SimulatedGroup> _groups = new(StringComparer.Ordinal);

    public string Name => ProviderName;

    /// <summary>Declares a scale group (idempotent: an existing group keeps its instances).</summary>
    public void EnsureGroup(string scaleGroup, SimulatedGroupSettings settings)
    {
        _groups.GetOrAdd(scaleGroup, _ =>
        {
            var group = new SimulatedGroup(settings);
            var past = time.GetUtcNow() - settings.BootDelay - TimeSpan.FromSeconds(1);
            foreach (var (type, count) in settings.InitialFleet.Counts)
            {
                for (var i = 0; i < count; i++)
                {
                    group.Instances.Add(new SimulatedInstance(type, past, past));
                }
            }

            return group;
        });
    }

    public Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken)
    {
        var group = Get(scaleGroup);
        lock (group)
        {
            return Task.FromResult(new FleetState(scaleGroup, group.Fleet(), group.Ready(time.GetUtcNow()), group.LastAppliedKey));
        }
    }

    public Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken)
    {
        var group = Get(request.ScaleGroup);
        foreach (var type in request.Desired.Counts.Keys)
        {
            if (!group.Settings.Catalog.Contains(type))
            {
                throw new CloudProviderException($"applying plan to scale group '{request.ScaleGroup}': instance type '{type}' is not offered", isTransient: false);
            }
        }

        lock (group)
        {
            if (group.LastAppliedKey == request.IdempotencyKey)
            {
                return Task.FromResult(new ApplyResult(ApplyStatus.NoChange, group.Fleet(), 0, 0, $"key {request.IdempotencyKey} already applied"));
            }

            var (launched, terminated) = group.Converge(request.Desired, time.GetUtcNow());
            group.LastAppliedKey = request.IdempotencyKey;
            var status = launched + terminated == 0 ? ApplyStatus.NoChange : ApplyStatus.Applied;
            return Task.FromResult(new ApplyResult(status, group.Fleet(), launched, terminated, $"launched {launched}, terminated {terminated}"));
        }
    }

    /// <summary>Total spend of a group so far, in USD (running instances billed up to now).</summary>
    public decimal CostUsd(string scaleGroup)
    {
        var group = Get(scaleGroup);
        lock (group)
        {
            return group.CostUntil(time.GetUtcNow());
        }
    }

    /// <summary>Capacity (requests/s) that served during the interval, pro rata for instances finishing boot inside it.</summary>
    public double ServingCapacity(string scaleGroup, DateTimeOffset start, DateTimeOffset end)
    {
        var group = Get(scaleGroup);
        lock (group)
        {
            return group.ServingCapacity(start, end);
        }
    }

    private SimulatedGroup Get(string scaleGroup) => _groups.TryGetValue(scaleGroup, out var group)
        ? group
        : throw new CloudProviderException($"scale group '{scaleGroup}' does not exist in the simulated cloud", isTransient: false);
}
