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

    public static PolicyVocabulary Vocabulary => Providers.Extend(PolicyVocabulary.Default with { Strategies = Strategies.Names });

    public static PolicyLoader PolicyLoader() => new(Vocabulary);
}
