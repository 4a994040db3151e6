using Dso.Forecasting.Model;

namespace Dso.Forecasting.Tests.Model;

/// <summary>
/// The calibrator keeps its window's residuals in order as they come and go instead of sorting the window every 16
/// residuals; every published snapshot must still be exactly the sorted window (the forecast's quantiles read it).
/// </summary>
public sealed class ConformalCalibratorTests
{
    [Theory]
    [InlineData(1, 600, 5000)]
    [InlineData(2, 40, 700)]
    [InlineData(3, 31, 200)]
    public void Add_SnapshotIsTheSortedWindow_AsResidualsComeAndGo(int seed, int window, int residuals)
    {
        var random = new Random(seed);
        var calibrator = new ConformalCalibrator(window, 0.8, 0.005, 12);
        var recent = new Queue<double>();
        double[]? published = null;
        var checkedSnapshots = 0;
        for (var i = 0; i < residuals; i++)
        {
            // Repeated values (a flat stretch, zeros in an outage) and outliers, which an off-by-one removal would keep.
            var residual = random.Next(4) switch
            {
                0 => 0.0,
                1 => Math.Round(random.NextDouble() * 4, 1) - 2,
                2 => random.NextDouble() < 0.05 ? 1e6 * (random.NextDouble() - 0.5) : random.NextDouble() - 0.5,
                _ => -1.5,
            };
            double[] before = [.. recent];
            calibrator.Add(residual, -1, 1);
            recent.Enqueue(residual);
            if (recent.Count > window)
            {
                recent.Dequeue();
            }

            var sorted = calibrator.Current.Sorted;
            if (sorted is not null && !ReferenceEquals(sorted, published))
            {
                // A snapshot is refreshed every 16 residuals (each one while there are 30 or fewer, when none is
                // published yet): the first one published is the window before the 31st residual.
                double[] expected = published is null ? before : [.. recent];
                Array.Sort(expected);
                Assert.Equal(expected, sorted);
                published = sorted;
                checkedSnapshots++;
            }
        }

        Assert.True(checkedSnapshots > residuals / 20, $"only {checkedSnapshots} snapshots were published");
    }

    [Fact]
    public void Add_PublishedSnapshotIsNotChangedByLaterResiduals()
    {
        var calibrator = new ConformalCalibrator(50, 0.8, 0.005, 12);
        for (var i = 0; i < 100; i++)
        {
            calibrator.Add(i, -1, 1);
        }

        var snapshot = calibrator.Current.Sorted!;
        double[] before = [.. snapshot];
        for (var i = 0; i < 100; i++)
        {
            calibrator.Add(-i, -1, 1);
        }

        Assert.Equal(before, snapshot);
    }
}
