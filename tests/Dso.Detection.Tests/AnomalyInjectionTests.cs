namespace Dso.Detection.Tests;

/// <summary>
/// Each kind of anomaly a KPI shows, injected into a clean daily cycle (5-minute points), must raise an alert
/// within a stated number of points, and the clean part before it must stay quiet.
/// </summary>
public sealed class AnomalyInjectionTests
{
    private const int Days = 7;
    private const int Onset = 5 * GeneratedSeries.PointsPerDay + 100;

    public static TheoryData<string, int> Anomalies => new()
    {
        // name, maximum points from onset to the first alert
        { "level shift", 6 },
        { "spike", 1 },
        { "variance change", 36 },
        { "seasonal pattern break", 48 },
    };

    [Theory]
    [MemberData(nameof(Anomalies))]
    public void Observe_InjectedAnomaly_FlaggedWithinStatedPoints(string anomaly, int maxDelay)
    {
        var values = GeneratedSeries.DailyCycle(Days);
        Inject(values, anomaly);

        var results = GeneratedSeries.Run(values);

        var firstAlert = Array.FindIndex(results, Onset, r => r.IsAnomaly);
        Assert.True(firstAlert >= 0, $"{anomaly}: no alert after the onset at {Onset}");
        Assert.InRange(firstAlert - Onset, 0, maxDelay);
    }

    [Theory]
    [MemberData(nameof(Anomalies))]
    public void Observe_InjectedAnomaly_NoAlertBeforeOnset(string anomaly, int maxDelay)
    {
        _ = maxDelay;
        var values = GeneratedSeries.DailyCycle(Days);
        Inject(values, anomaly);

        var results = GeneratedSeries.Run(values);

        Assert.DoesNotContain(results.Take(Onset), r => r.IsAnomaly);
    }

    [Fact]
    public void Observe_Spike_KindIsSpikeUp()
    {
        var values = GeneratedSeries.DailyCycle(Days);
        Inject(values, "spike");

        var results = GeneratedSeries.Run(values);

        Assert.True(results[Onset].IsAnomaly);
        Assert.Equal(AnomalyKind.SpikeUp, results[Onset].Kind);
    }

    private static void Inject(double[] values, string anomaly)
    {
        var random = new Random(11);
        switch (anomaly)
        {
            case "level shift":
                // Half the daily swing, so the shifted values stay inside the normal range for most of the day.
                for (var i = Onset; i < values.Length; i++)
                {
                    values[i] += 0.5 * GeneratedSeries.Amplitude;
                }

                break;
            case "spike":
                values[Onset] += 2.5 * GeneratedSeries.Amplitude;
                break;
            case "variance change":
                // Noise four times stronger, same level and cycle.
                for (var i = Onset; i < values.Length; i++)
                {
                    values[i] += 3 * GeneratedSeries.NoiseStd * GeneratedSeries.Gaussian(random);
                }

                break;
            case "seasonal pattern break":
                // The daily cycle stops: the series stays at its mean level, well inside the usual range.
                for (var i = Onset; i < values.Length; i++)
                {
                    values[i] -= GeneratedSeries.Amplitude * Math.Sin(2 * Math.PI * i / GeneratedSeries.PointsPerDay);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(anomaly), anomaly, "unknown anomaly");
        }
    }
}
