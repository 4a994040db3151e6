using System.Collections.Concurrent;
using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Controller.Composition;
using Dso.Controller.Experiments;
using Dso.Forecasting;
using Dso.Ingestion;
using Dso.Policies.Model;
using Dso.Reconcile;
using Dso.Reconcile.Providers;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Hosting;

/// <summary>
/// The running service loops, one per declared service, rebuilt from each accepted policy set. A reload keeps
/// a service's loop (and its detector, forecaster and budget history) and only swaps its policy; the experiment
/// host then attaches each running experiment's arms to its services' loops.
/// </summary>
internal sealed class LoopRegistry(
    CloudProviderRegistry clouds,
    IEnumerable<IMetricSourceFactory> sources,
    IDecisionLog log,
    TimeProvider time,
    ILoopObserver observer,
    ForecastModels models,
    ExperimentHost experiments,
    IOptions<DsoOptions> dso)
{
    private readonly ConcurrentDictionary<string, ServiceLoop> _loops = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CloudProviderHandle> _providers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IMetricSourceFactory> _sources = sources.ToDictionary(s => s.Name, StringComparer.Ordinal);

    public PolicySet Current { get; private set; } = PolicySet.Empty;

    public IReadOnlyCollection<ServiceLoop> Loops => _loops.Values.ToArray();

    public bool TryGet(string service, out ServiceLoop loop) => _loops.TryGetValue(service, out loop!);

    /// <summary>The service's provider meter (only a simulated provider has one) and its scale group.</summary>
    public (ICloudMeter? Meter, string ScaleGroup) MeterOf(string service) =>
        _providers.TryGetValue(service, out var handle) ? (handle.Meter, handle.Context.Binding.ScaleGroup) : (null, service);

    /// <summary>
    /// Applies a validated policy set. Throws (leaving the previous set in force) if a service names a
    /// provider or source this build does not run.
    /// </summary>
    public void Apply(PolicySet set)
    {
        // A promoted experiment's winner runs as its services' policy, through this same path as any reload.
        set = experiments.Overlay(set);
        var built = new Dictionary<string, Func<ServiceLoop>>(StringComparer.Ordinal);
        var sources = new Dictionary<string, IMetricSource?>(StringComparer.Ordinal);
        var providers = new Dictionary<string, CloudProviderHandle?>(StringComparer.Ordinal);
        var forecasters = new Dictionary<string, Func<IDemandForecaster>>(StringComparer.Ordinal);
        var reloads = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var policy in set.Services)
        {
            if (!_sources.TryGetValue(policy.Metrics.Source, out var sourceFactory))
            {
                throw new InvalidOperationException($"{policy.Origin}: service '{policy.Name}': metric source '{policy.Metrics.Source}' is not available (available: {string.Join(", ", _sources.Keys)})");
            }

            // A provider is (re)created only for new services or a changed binding (provider, groups, settings,
            // offerings), so a reload keeps clients, circuit breakers and rate limiters of unchanged services.
            var binding = policy.Binding();
            var keep = _providers.TryGetValue(policy.Name, out var current) && BindingKey(current.Context.Binding) == BindingKey(binding);
            CloudProviderHandle handle;
            try
            {
                handle = keep ? current! : clouds.Create(binding);
            }
            catch (Exception ex) when (ex is not InvalidOperationException)
            {
                throw new InvalidOperationException($"{policy.Origin}: service '{policy.Name}': creating provider '{policy.Provider}' failed: {ex.Message}", ex);
            }

            providers[policy.Name] = keep ? null : handle;
            // A source is (re)created only for new services or changed metrics settings, so a reload does not
            // reconnect every source; a factory that rejects its options rejects the whole reload.
            var reuse = _loops.TryGetValue(policy.Name, out var running) && MetricsKey(running.Policy) == MetricsKey(policy);
            var source = reuse ? null : sourceFactory.Create(policy.Name, policy.Metrics.Options, policy.Metrics.Queries);
            sources[policy.Name] = source;
            var events = LoadEvents(policy);
            forecasters[policy.Name] = models.FactoryFor(policy.Name, events, () => TryGet(policy.Name, out var l) ? l : null);
            built[policy.Name] = () => new ServiceLoop(policy, set.Version, new ServiceLoopDependencies
            {
                Source = source!,
                Cloud = handle.Provider,
                Log = log,
                Strategy = Plugins.Strategies.Get(policy.Strategy.Name),
                Time = time,
                DetectorFactory = Plugins.DetectorFactory,
                ForecasterFactory = forecasters[policy.Name],
                Observer = observer,
                TickDeadline = dso.Value.TickDeadline,
                PlannerStates = log as IPlannerStateStore,
                PlannerStateInterval = dso.Value.PlannerStateInterval,
            });
        }

        foreach (var policy in set.Services)
        {
            if (providers[policy.Name] is { } fresh)
            {
                _providers[policy.Name] = fresh;
            }

            if (_loops.TryGetValue(policy.Name, out var existing))
            {
                var kept = existing.UpdatePolicy(policy, set.Version, Plugins.Strategies.Get(policy.Strategy.Name), sources[policy.Name], providers[policy.Name]?.Provider,
                    forecasters[policy.Name]);
                if (!kept.KeepPlanner)
                {
                    reloads[policy.Name] = kept.Summary;
                }
            }
            else
            {
                var loop = built[policy.Name]();
                loop.ModelVersion ??= models.VersionInUse(policy.Name);
                _loops[policy.Name] = loop;
            }
        }

        foreach (var gone in _loops.Keys.Except(set.Services.Select(s => s.Name)).ToArray())
        {
            _loops.TryRemove(gone, out _);
            _providers.TryRemove(gone, out _);
        }

        experiments.Commit(set, _loops.Values.ToArray());
        Current = set;
        LastReloads = reloads;
    }

    /// <summary>Per edited service, what the latest accepted set kept and reset of its learned state (see <see cref="ReloadCarryOver"/>).</summary>
    public IReadOnlyDictionary<string, string> LastReloads { get; private set; } = new Dictionary<string, string>();

    private static string MetricsKey(ServicePolicy policy) =>
        $"{policy.Metrics.Source}|{policy.Metrics.FallbackInstances}|{string.Join(",", policy.Metrics.Options.OrderBy(kv => kv.Key, StringComparer.Ordinal))}|{string.Join(",", policy.Metrics.Queries.OrderBy(kv => kv.Key, StringComparer.Ordinal))}";

    private static string BindingKey(ProviderBinding b) =>
        $"{b.Provider}|{b.ScaleGroup}|{Join(b.Groups)}|{Join(b.Settings)}|{string.Join(",", b.Catalog.Offerings.Select(o => o.Name))}";

    private static string Join(IReadOnlyDictionary<string, string> map) =>
        string.Join(",", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    private static EventCalendar LoadEvents(ServicePolicy policy)
    {
        try
        {
            return policy.EventsFile is null ? EventCalendar.Empty : EventCalendarLoader.Load(policy.EventsFile);
        }
        catch (EventCalendarException ex)
        {
            throw new InvalidOperationException($"{policy.Origin}: service '{policy.Name}': events_file: {ex.Message}", ex);
        }
    }
}
