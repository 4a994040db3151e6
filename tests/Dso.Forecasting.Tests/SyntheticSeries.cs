namespace Dso.Forecasting.Tests;

/// <summary>Generated demand series with known structure (tests never read /work/shared).</summary>
internal static class SyntheticSeries
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Daily sine around <paramref name="level"/> (amplitude <paramref name="amplitude"/>), weekend dip of 20%, plus
    /// Gaussian noise whose sd is <paramref name="relativeNoise"/> × the noiseless value.
    /// </summary>
    public static List<(DateTimeOffset Time, double Value, double Clean)> Daily(int days, TimeSpan step, double level = 200, double amplitude = 80, double relativeNoise = 0.03, int seed = 1)
    {
        var random = new Random(seed);
        var points = new List<(DateTimeOffset, double, double)>();
        var count = (int)(TimeSpan.FromDays(days) / step);
        for (var i = 0; i < count; i++)
        {
            var time = Start + (step * i);
            var dayFraction = time.TimeOfDay.TotalHours / 24;
            var weekend = time.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.8 : 1.0;
            var clean = weekend * (level + (amplitude * Math.Sin(2 * Math.PI * (dayFraction - 0.25))));
            points.Add((time, Math.Max(0, clean * (1 + (relativeNoise * Gaussian(random)))), clean));
        }

        return points;
    }

    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
