using Xunit.Abstractions;
using Dso.Experiments.Analysis;
using Dso.Experiments.Metrics;

namespace Dso.Experiments.Tests.Analysis;

/// <summary>Known-truth checks: A/A false positives, power at a planned length, interval coverage, Holm.</summary>
public sealed class SwitchbackAnalysisTests(ITestOutputHelper output)
{
    private const int Seeds = 400;
    private static readonly AnalysisOptions Options = new() { Draws = 999 };

    [Fact]
    public void Compare_AaExperiment_DeclaresADifferenceAtTheStatedRate()
    {
        var falsePositives = 0;
        var covered = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var design = SyntheticBlocks.Design(seed);
            var comparison = SwitchbackAnalysis.Compare(design, SyntheticBlocks.Generate(design, 48, seed), ExperimentMetric.Cost, Options).Single();
            falsePositives += comparison.Significant ? 1 : 0;
            covered += comparison.Low <= 0 && comparison.High >= 0 ? 1 : 0;
        }

        var rate = (double)falsePositives / Seeds;
        output.WriteLine($"A/A: {falsePositives}/{Seeds} significant, interval covered 0 in {covered}/{Seeds}");
        Assert.InRange(rate, 0.025, 0.075);
        Assert.InRange((double)covered / Seeds, 0.925, 0.975);
    }

    [Fact]
    public void Compare_TrueTenPercentSaving_IsDetectedWithThePlannedPower()
    {
        // Plan the length from the spread of paired differences, as an operator would from a pilot.
        var pilot = SyntheticBlocks.Design(10_000);
        var pilotBlocks = SyntheticBlocks.Generate(pilot, 400, 10_000);
        var pilotPairs = SwitchbackAnalysis.Units(pilot, pilotBlocks, "treatment", ExperimentMetric.Cost)
            .Where(u => u.Variant is not null && u.Control is not null).Select(u => u.Variant!.Value - u.Control!.Value).ToList();
        var mean = pilotPairs.Average();
        var sd = Math.Sqrt(pilotPairs.Sum(d => (d - mean) * (d - mean)) / (pilotPairs.Count - 1));
        const double statedPower = 0.8;
        var pairs = PowerEstimate.PairsFor(sd, 0.1 * SyntheticBlocks.Base, 0.05, statedPower);

        var detected = 0;
        var effects = new Dictionary<string, double> { ["treatment"] = 0.9 };
        for (var seed = 0; seed < Seeds; seed++)
        {
            var design = SyntheticBlocks.Design(seed);
            var comparison = SwitchbackAnalysis.Compare(design, SyntheticBlocks.Generate(design, 2 * pairs, seed, effects), ExperimentMetric.Cost, Options).Single();
            detected += comparison.Significant && comparison.Difference < 0 ? 1 : 0;
        }

        output.WriteLine($"10 % saving: detected {detected}/{Seeds} with {pairs} pairs ({2 * pairs} blocks), stated power {statedPower:P0}");
        // 400 seeds estimate the power within ±2 % (one standard error); allow two of them below the stated 80 %.
        Assert.True((double)detected / Seeds >= statedPower - 0.04, $"detected {detected}/{Seeds} with {pairs} pairs (sd {sd:0.00})");
    }

    [Fact]
    public void Compare_ThreeAaVariants_HolmKeepsTheFamilyWiseRate()
    {
        var anyFalse = 0;
        var anyUnadjusted = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var design = SyntheticBlocks.Design(seed, "control", "a", "b", "c");
            var comparisons = SwitchbackAnalysis.Compare(design, SyntheticBlocks.Generate(design, 64, seed), ExperimentMetric.Cost, new AnalysisOptions { Draws = 499 });
            anyFalse += comparisons.Any(c => c.Significant) ? 1 : 0;
            anyUnadjusted += comparisons.Any(c => c.PValue < 0.05) ? 1 : 0;
        }

        output.WriteLine($"three A/A variants: any significant after Holm {anyFalse}/{Seeds}, before {anyUnadjusted}/{Seeds}");
        Assert.True((double)anyFalse / Seeds <= 0.075, $"family-wise false positives {anyFalse}/{Seeds}");
        Assert.True(anyUnadjusted > anyFalse, "without Holm three comparisons should err more often");
    }

    [Fact]
    public void Holm_Adjust_MatchesTheTextbookExample()
    {
        var adjusted = Holm.Adjust([0.01, 0.04, 0.03, 0.005]);
        Assert.Equal([0.03, 0.06, 0.06, 0.02], adjusted.Select(p => Math.Round(p, 10)).ToArray());
    }

    [Fact]
    public void PValue_FewGroups_IsExactByEnumeration()
    {
        // Three pairs, all variant blocks 1 higher: of the 8 sign patterns only all-plus and all-minus reach |1|.
        var test = new RandomizationTest([(11.0, 10.0), (21.0, 20.0), (31.0, 30.0)], Options, 1);
        Assert.True(test.Exact);
        Assert.Equal(1.0, test.Observed, 12);
        Assert.Equal(0.25, test.PValue(), 12);
        var (low, high) = test.Interval(0.05);
        Assert.Null(low);
        Assert.Null(high);
    }

    [Fact]
    public void Compare_ReportsMoreBlocksNeededForAFivePercentDifference()
    {
        var design = SyntheticBlocks.Design(5);
        var comparison = SwitchbackAnalysis.Compare(design, SyntheticBlocks.Generate(design, 24, 5), ExperimentMetric.Cost, Options).Single();
        var power = Assert.IsType<PowerEstimate>(comparison.Power);
        Assert.Equal(0.05, power.DetectableRelative);
        Assert.True(power.BlocksNeeded > 24, $"needed {power.BlocksNeeded}");
        Assert.Equal(power.BlocksNeeded - 24, power.MoreBlocks);
        Assert.True(power.PowerNow < 0.8);
    }
}
