namespace Dso.Detection.Tests;

/// <summary>
/// Synthetic KPI series for the tests: 5-minute points with a daily cycle and Gaussian noise, plus one injected
/// anomaly. Seeded, so every run sees the same numbers.
/// </summary>
internal static class GeneratedSeries
{
    public const int PointsPerDay = 288;
    public const double Level = 100;
    public const double Amplitude = 20;
    public const double NoiseStd = 2;

    public static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset TimestampOf(int index) => Start.AddMinutes(5 * index);

    /// <summary>Level + daily sine + noise, <paramref name="days"/> days long.</summary>
    public static double[] DailyCycle(int days, int seed = 7)
    {
        var random = new Random(seed);
        var values = new double[days * PointsPerDay];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Level + Amplitude * Math.Sin(2 * Math.PI * i / PointsPerDay) + NoiseStd * Gaussian(random);
        }

        return values;
    }

    public static double Gaussian(Random random)
    {
        // Box–Muller; 1 - NextDouble() avoids log(0).
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Feeds every value to a fresh default detector and returns the results.</summary>
    public static AnomalyResult[] Run(IReadOnlyList<double> values, AnomalyDetectorOptions? options = null)
    {
        var detector = AnomalyDetectors.Create(options);
        var results = new AnomalyResult[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            results[i] = detector.Observe(TimestampOf(i), values[i]);
        }

        return results;
    }
}
