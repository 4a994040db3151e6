using Dso.Abstractions.Cloud;
using Dso.Cloud.Simulated;
using Dso.Detection;
using Dso.Forecasting;
using Dso.Optimization;
using Dso.Policies.Loading;
using Dso.Reconcile.Providers;

namespace Dso.Controller.Composition;

/// <summary>
/// The plug-ins this build ships, in one place: the strategies, detector and forecaster the service and the
/// simulator both use, and the names a policy may refer to.
/// </summary>
internal static class Plugins
{
    public static readonly StrategyRegistry Strategies = StrategyRegistry.CreateDefault();

    /// <summary>
    /// The provider plug-ins for checking policies (names and bindings); the service builds its own registry from
    /// the same list with its clock, state file and decorators.
    /// </summary>
    public static readonly CloudProviderRegistry Providers = new(CloudProviders.ForValidation());

    public static Func<string, IStreamingAnomalyDetector>? DetectorFactory => _ => AnomalyDetectors.Create();

    public static Func<IDemandForecaster>? ForecasterFactory => () => DemandForecasters.Create();

    /// <summary>The cloud <c>dso simulate</c> replays on: the simulated provider on the simulation's virtual clock.</summary>
    public static Func<TimeProvider, ICloudProviderFactory> VirtualCloud => time => new SimulatedCloudFactory(time);

    /// <summary>The metric sources this build runs, by the name a policy's <c>metrics.source</c> uses.</summary>
    public static readonly IReadOnlyList<string> Sources = ["synthetic", "trace", "prometheus", "push"];

    /// <summary>
    /// The policy names this build accepts: its strategies (with their parameters), sources, and the registered
    /// cloud providers with their binding checks, so <c>dso validate</c> and the service accept exactly what runs.
    /// </summary>
    public static PolicyVocabulary Vocabulary => Providers.Extend(new PolicyVocabulary(Strategies.Names, Sources, []) { StrategyParameters = Strategies.Parameters, SourceOptions = PolicyVocabulary.BuiltInSourceOptions });

    /// <summary>A loader of this build's vocabulary; <paramref name="time"/> places experiments that start when loaded (null: the wall clock).</summary>
    public static PolicyLoader PolicyLoader(TimeProvider? time = null) => new(Vocabulary, time);
}
