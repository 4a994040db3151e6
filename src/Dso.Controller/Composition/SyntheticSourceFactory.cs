using Dso.Abstractions.Cloud;
using Dso.Abstractions.Metrics;
using Dso.Ingestion;
using Dso.Ingestion.Synthetic;

namespace Dso.Controller.Composition;

/// <summary>
/// The embedded default's source. Its latency and error KPIs react to the capacity the service's provider reports
/// serving (through <see cref="ICloudMeter"/>), so under-provisioning shows up in the KPIs as it would in
/// production. A provider without a meter (a real cloud) serves the synthetic demand in full.
/// </summary>
internal sealed class SyntheticSourceFactory(Func<string, (ICloudMeter? Meter, string ScaleGroup)> meterOf) : IMetricSourceFactory
{
    public string Name => SyntheticMetricSource.SourceName;

    public IMetricSource Create(string service, IReadOnlyDictionary<string, string> options, IReadOnlyDictionary<string, string> queries)
    {
        var seed = options.TryGetValue("seed", out var s) && int.TryParse(s, out var v) ? v : 42;
        var baseRps = options.TryGetValue("base_rps", out var b) && double.TryParse(b, System.Globalization.CultureInfo.InvariantCulture, out var r) ? r : SyntheticKpiOptions.DefaultBaseRps;
        var generator = new SyntheticKpiGenerator(new SyntheticKpiOptions { Seed = seed, BaseRps = baseRps });
        return new SyntheticMetricSource(generator, (svc, at) =>
        {
            var (meter, group) = meterOf(svc);
            return meter?.ServingCapacity(group, at, at.AddMinutes(1)) ?? double.PositiveInfinity;
        });
    }
}
