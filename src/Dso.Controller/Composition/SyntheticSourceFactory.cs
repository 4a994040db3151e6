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
        var seed = 42;
        if (options.TryGetValue("seed", out var s) && !int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out seed))
        {
            throw new InvalidOperationException($"service '{service}': metrics.options.seed must be a whole number (was '{s}')");
        }

        var baseRps = SyntheticKpiOptions.DefaultBaseRps;
        if (options.TryGetValue("base_rps", out var b)
            && !(double.TryParse(b, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out baseRps) && baseRps > 0 && baseRps <= 1e8))
        {
            throw new InvalidOperationException($"service '{service}': metrics.options.base_rps must be a number of requests per second above 0 and at most 1e8 (was '{b}')");
        }

        var generator = new SyntheticKpiGenerator(new SyntheticKpiOptions { Seed = seed, BaseRps = baseRps });
        return new SyntheticMetricSource(generator, (svc, at) =>
        {
            var (meter, group) = meterOf(svc);
            return meter?.ServingCapacity(group, at, at.AddMinutes(1)) ?? double.PositiveInfinity;
        });
    }
}
