using System.Collections.Concurrent;
using System.Text.Json;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Diagnostics;

namespace Dso.Cloud.Simulated;

/// <summary>
/// A whole cloud in memory: boot delays, per-second billing and an instance catalog with prices. The embedded
/// default and <c>dso simulate</c> run against it; it keeps the last applied key per group so a retried apply
/// is a no-op, exactly as the real adapters must.
/// </summary>
public sealed class SimulatedCloud(TimeProvider time, string? statePath = null) : ICloudProvider, ICloudMeter
{
    public const string ProviderName = "simulated";

    private readonly ConcurrentDictionary<string, SimulatedGroup> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GroupSnapshot> _saved = LoadSnapshots(statePath);
    private readonly Lock _gate = new();

    public string Name => ProviderName;

    /// <summary>
    /// Instances of a type the whole cloud can run at once (a region's capacity); a launch beyond it is cut short
    /// and the apply answers <see cref="ApplyStatus.Partial"/>. Types not listed are unlimited.
    /// </summary>
    public IReadOnlyDictionary<string, int> CapacityLimits { get; init; } = new Dictionary<string, int>();

    /// <summary>Every apply that launched or stopped something, oldest first (the last 10,000): a test's record of actions.</summary>
    public IReadOnlyList<AppliedCall> Calls(string scaleGroup)
    {
        var group = Get(scaleGroup);
        lock (_gate)
        {
            return [.. group.Calls];
        }
    }

    /// <summary>Declares a scale group (idempotent: an existing group keeps its instances).</summary>
    public void EnsureGroup(string scaleGroup, SimulatedGroupSettings settings)
    {
        _groups.GetOrAdd(scaleGroup, _ =>
        {
            var group = new SimulatedGroup(settings);
            if (_saved.TryGetValue(scaleGroup, out var snapshot))
            {
                group.Instances.AddRange(snapshot.Instances.Where(i => settings.Catalog.Contains(i.Type)));
                group.LastAppliedKey = snapshot.LastAppliedKey;
                group.StoppedCostUsd = snapshot.StoppedCostUsd;
                group.ServerlessCostUsd = snapshot.ServerlessCostUsd;
                group.Calls.AddRange(snapshot.Calls ?? []);
                return group;
            }

            // Like the evaluator's cloud: the initial fleet was launched long before and is serving at the start.
            var now = time.GetUtcNow();
            var launched = now - (10 * settings.BootDelay) - TimeSpan.FromSeconds(1);
            foreach (var (type, count) in settings.InitialFleet.Counts)
            {
                for (var i = 0; i < count; i++)
                {
                    group.Instances.Add(new SimulatedInstance(type, launched, now - TimeSpan.FromSeconds(1)));
                }
            }

            return group;
        });
    }

    public Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken)
    {
        var group = Get(scaleGroup);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            group.Interrupt(now);
            return Task.FromResult(new FleetState(scaleGroup, group.Fleet(), group.Ready(now), group.LastAppliedKey) { ServerlessRps = group.ServerlessRps });
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

        lock (_gate)
        {
            var now = time.GetUtcNow();
            group.Interrupt(now);
            if (group.LastAppliedKey == request.IdempotencyKey)
            {
                return Task.FromResult(new ApplyResult(ApplyStatus.NoChange, group.Fleet(), 0, 0, $"key {request.IdempotencyKey} already applied"));
            }

            var (launched, terminated, shortBy) = group.Converge(request.Desired, now, Available);
            var routed = group.Route(request.ServerlessRps, now);
            var status = shortBy.Count > 0 ? ApplyStatus.Partial
                : launched + terminated == 0 && !routed ? ApplyStatus.NoChange : ApplyStatus.Applied;
            if (launched + terminated > 0)
            {
                group.Record(new AppliedCall(request.IdempotencyKey, now, launched, terminated, status));
            }

            // The change is made and saved before the key is: a process killed here left the instances running and
            // must not launch them again when it re-applies the same key (Converge is level-based, so it will not).
            Persist();
            FaultPoints.Reach(FaultPoints.MidApply);
            group.LastAppliedKey = request.IdempotencyKey;
            Persist();
            var message = $"launched {launched}, terminated {terminated}"
                + (routed ? $", routing {group.ServerlessRps:0.#} rps to {group.Settings.Serverless?.Name}" : "")
                + (shortBy.Count > 0 ? $"; insufficient capacity for {string.Join(", ", shortBy.Select(kv => $"{kv.Value} x {kv.Key}"))}" : "");
            return Task.FromResult(new ApplyResult(status, group.Fleet(), launched, terminated, message));
        }
    }

    /// <summary>Total spend of a group so far, in USD (running instances billed up to now, plus serverless requests).</summary>
    public decimal CostUsd(string scaleGroup)
    {
        var group = Get(scaleGroup);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            group.Interrupt(now);
            return group.CostUntil(now);
        }
    }

    /// <summary>The part of <see cref="CostUsd"/> spent on serverless requests.</summary>
    public decimal ServerlessCostUsd(string scaleGroup)
    {
        var group = Get(scaleGroup);
        lock (_gate)
        {
            return group.ServerlessCostUntil(time.GetUtcNow());
        }
    }

    /// <summary>Spot instances of a group the simulated provider has reclaimed so far.</summary>
    public int Interruptions(string scaleGroup)
    {
        var group = Get(scaleGroup);
        lock (_gate)
        {
            group.Interrupt(time.GetUtcNow());
            return group.Interrupted;
        }
    }

    /// <summary>
    /// Capacity (requests/s) that served during the interval, pro rata for instances finishing boot or reclaimed
    /// inside it, plus the requests/s routed to serverless.
    /// </summary>
    public double ServingCapacity(string scaleGroup, DateTimeOffset start, DateTimeOffset end)
    {
        var group = Get(scaleGroup);
        lock (_gate)
        {
            group.Interrupt(time.GetUtcNow() < start ? time.GetUtcNow() : start);
            return group.ServingCapacity(start, end);
        }
    }

    /// <summary>
    /// Writes every group to the state file (temp file, then rename) so a restarted service finds the instances it
    /// launched and the last key it applied, as a real cloud would still have them.
    /// </summary>
    private void Persist()
    {
        if (statePath is null)
        {
            return;
        }

        var snapshot = _groups.ToDictionary(g => g.Key, g => new GroupSnapshot([.. g.Value.Instances], g.Value.LastAppliedKey, g.Value.StoppedCostUsd, g.Value.ServerlessCostUntil(time.GetUtcNow())) { Calls = [.. g.Value.Calls] });
        var temp = statePath + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(snapshot));
        File.Move(temp, statePath, overwrite: true);
    }

    private static Dictionary<string, GroupSnapshot> LoadSnapshots(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, GroupSnapshot>>(File.ReadAllText(path)) ?? [];
        }
        catch (JsonException ex)
        {
            throw new CloudProviderException($"simulated cloud state '{path}' is unreadable: {ex.Message}", isTransient: false, ex);
        }
    }

    /// <summary>How many more instances of <paramref name="type"/> the cloud can launch now.</summary>
    private int Available(string type) =>
        CapacityLimits.TryGetValue(type, out var limit)
            ? Math.Max(0, limit - _groups.Values.Sum(g => g.Instances.Count(i => i.Type == type)))
            : int.MaxValue;

    private sealed record GroupSnapshot(List<SimulatedInstance> Instances, string? LastAppliedKey, decimal StoppedCostUsd, decimal ServerlessCostUsd = 0)
    {
        public List<AppliedCall>? Calls { get; init; }
    }

    private SimulatedGroup Get(string scaleGroup) => _groups.TryGetValue(scaleGroup, out var group)
        ? group
        : throw new CloudProviderException($"scale group '{scaleGroup}' does not exist in the simulated cloud", isTransient: false);
}
