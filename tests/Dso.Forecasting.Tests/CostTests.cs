using System.Diagnostics;
using Xunit.Abstractions;

namespace Dso.Forecasting.Tests;

/// <summary>Runs alone (no parallel test classes), so the timing is of the forecaster and not of its neighbours.</summary>
[CollectionDefinition(nameof(CostTests), DisableParallelization = true)]
public sealed class CostTestsCollection;

[Collection(nameof(CostTests))]
public sealed class CostTests(ITestOutputHelper output)
{
    [Fact]
    public void ObserveAndPredict_FourWeeksOfMinutes_AmortizedCostSmall()
    {
        // The service's pattern: every tick Observe then Predict(120) (2 h of 1-minute steps), retraining included.
        // Target is < 0.5 ms amortized on the 2-core build machine; the assertion is looser so a loaded CI box does not
        // fail it, and the measured figure is printed.
        var series = SyntheticSeries.Daily(days: 28, TimeSpan.FromMinutes(1), relativeNoise: 0.1, seed: 11);
        var forecaster = DemandForecasters.CreateRetrainable();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        double sink = 0;
        foreach (var p in series)
        {
            forecaster.Observe(p.Time, p.Value);
            sink += forecaster.Predict(120).P90[119];
        }

        var perTickMs = clock.Elapsed.TotalMilliseconds / series.Count;
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / series.Count;
        output.WriteLine($"{series.Count} ticks: {perTickMs:F3} ms/tick wall, {cpuMs:F3} ms/tick CPU, {forecaster.RetrainCount} trainings, rolling MASE {forecaster.RollingMase:F3}, coverage {forecaster.IntervalCoverage:P1}");
        Assert.True(double.IsFinite(sink));
        Assert.True(perTickMs < 2.0, $"{perTickMs:F3} ms per tick");
    }
}
