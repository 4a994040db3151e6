using Xunit.Abstractions;
using Dso.Experiments.Analysis;
using Dso.Experiments.Metrics;

namespace Dso.Experiments.Tests.Analysis;

/// <summary>
/// A variant whose effect spills into the next block (the fleet it shaped serves for the first 15 minutes of the
/// following block): leaving out a washout of 20 minutes recovers the true -10 %, measuring whole blocks does not.
/// </summary>
public sealed class CarryOverTests(ITestOutputHelper output)
{
    private const int Seeds = 200;
    private const int Blocks = 48;
    private const int CarryMinutes = 15;
    private const double TrueRelative = -0.10;

    [Fact]
    public void Estimate_WithWashout_IsUnbiasedAndWithoutIsBiasedTowardZero()
    {
        var withWashout = MeanEstimate(applyWashout: true);
        var without = MeanEstimate(applyWashout: false);
        output.WriteLine($"true {TrueRelative:P1}; with washout {withWashout:P2}; without {without:P2}");
        Assert.True(Math.Abs(withWashout - TrueRelative) < 0.004, $"with washout {withWashout:P2}");
        Assert.True(without - TrueRelative > 0.01, $"without washout {without:P2} should be pulled toward 0");
    }

    private static double MeanEstimate(bool applyWashout)
    {
        var sum = 0.0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var design = SyntheticBlocks.Design(seed) with { Washout = TimeSpan.FromMinutes(20) };
            var accumulator = new BlockMetricsAccumulator(design, applyWashout);
            var random = new Random(seed);
            for (var minute = 0; minute < Blocks * 60; minute++)
            {
                var block = minute / 60;
                var inForce = minute % 60 < CarryMinutes && block > 0 ? design.VariantOf(block - 1) : design.VariantOf(block);
                var hourly = 60 * (1 + 0.3 * Math.Sin(2 * Math.PI * minute / 1440.0)) * (inForce == "treatment" ? 1 + TrueRelative : 1)
                    + SyntheticBlocks.Gaussian(random) * 3;
                var start = design.Start.AddMinutes(minute);
                accumulator.Observe(start, start.AddMinutes(1), 100, 100, (decimal)hourly, scalingAction: false);
            }

            var comparison = SwitchbackAnalysis.Compare(design, accumulator.Blocks(design.BlockStart(Blocks)), ExperimentMetric.Cost, new AnalysisOptions { Draws = 199 }).Single();
            sum += comparison.RelativeDifference!.Value;
        }

        return sum / Seeds;
    }
}
