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

    public static PolicyVocabulary Vocabulary => PolicyVocabulary.Default with { Strategies = Strategies.Names };

    public static PolicyLoader PolicyLoader() => new(Vocabulary);
}
