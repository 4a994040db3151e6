namespace Dso.Forecasting;

/// <summary>
/// Labels coming periods low / normal / peak by comparing each step's p50 with thresholds taken from the series'
/// own distribution (e.g. its last week's 25th and 90th percentiles): "peak" means peak for this service, not an
/// absolute request rate, so the same policy works for small and large services.
/// </summary>
public static class DemandScenarioClassifier
{
    /// <summary>Thresholds from a sample of recent demand: its <paramref name="lowQuantile"/> and <paramref name="peakQuantile"/>.</summary>
    public static (double Low, double Peak) Thresholds(IEnumerable<double> recent, double lowQuantile, double peakQuantile)
    {
        // Selection, not a sort: the quantile needs two order statistics, which QuantileInplace selects in linear
        // time; a week of one-minute points sorted every hour was 2 % of a simulation. Same bits as the sorted-array
        // quantile (DemandScenarioClassifierTests holds it to that).
        var values = recent.Where(double.IsFinite).ToArray();
        if (values.Length == 0)
        {
            return (double.NegativeInfinity, double.PositiveInfinity);
        }

        var low = MathNet.Numerics.Statistics.ArrayStatistics.QuantileInplace(values, lowQuantile);
        return (low, MathNet.Numerics.Statistics.ArrayStatistics.QuantileInplace(values, peakQuantile));
    }

    /// <summary>Groups the forecast's steps into periods: p50 below <paramref name="low"/> is Low, above <paramref name="peak"/> Peak.</summary>
    public static IReadOnlyList<DemandPeriod> Classify(DemandForecast forecast, double low, double peak)
    {
        var periods = new List<DemandPeriod>();
        for (var i = 0; i < forecast.Steps; i++)
        {
            var scenario = forecast.P50[i] > peak ? DemandScenario.Peak : forecast.P50[i] < low ? DemandScenario.Low : DemandScenario.Normal;
            var start = forecast.TimeOf(i);
            var end = start + forecast.Step;
            if (periods.Count > 0 && periods[^1].Scenario == scenario)
            {
                var last = periods[^1];
                periods[^1] = last with { End = end, MaxP50 = Math.Max(last.MaxP50, forecast.P50[i]), MaxP90 = Math.Max(last.MaxP90, forecast.P90[i]) };
            }
            else
            {
                periods.Add(new DemandPeriod(start, end, scenario, forecast.P50[i], forecast.P90[i]));
            }
        }

        return periods;
    }
}
