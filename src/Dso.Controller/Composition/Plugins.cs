using Dso.Detection;
using Dso.Forecasting;
using Dso.Optimization;
using Dso.Policies.Loading;

namespace Dso.Controller.Composition;

/// <summary>
/// The plug-ins this build ships, in one place: the strategies, detector and forecaster the service and the
/// simulator both use, and the names a policy may refer to.
/// </summary>
internal static class Plugins
{
    public static readonly StrategyRegistry Strategies = StrategyRegistry.CreateDefault();

    public static Func<string, IStreamingAnomalyDetector>? DetectorFactory => _ => AnomalyDetectors.Create();

    public static Func<IDemandForecaster>? ForecasterFactory => () => DemandForecasters.Create();

    /// <summary>
    /// The cloud adapters this build runs, by the name a policy's <c>provider</c> uses. An adapter's registration adds
    /// its name here, so <c>dso validate</c> and the service accept exactly the providers the service can apply.
    /// </summary>
    public static readonly IReadOnlyList<string> Providers = [Cloud.Simulated.SimulatedCloud.ProviderName];

    /// <summary>The metric sources this build runs, by the name a policy's <c>metrics.source</c> uses.</summary>
    public static readonly IReadOnlyList<string> Sources = ["synthetic", "trace", "prometheus", "push"];

    public static PolicyVocabulary Vocabulary => new(Strategies.Names, Sources, Providers) { StrategyParameters = Strategies.Parameters };

    public static PolicyLoader PolicyLoader() => new(Vocabulary);
}
