using Xunit.Abstractions;
using Dso.Experiments.Analysis;
using Dso.Experiments.Metrics;

namespace Dso.Experiments.Tests.Analysis;

/// <summary>
/// Known-truth checks of the split (several alike services on a hashed split): A/A false positives and interval
/// coverage, power at the number of services the estimate plans, Holm across variants, and the services-or-days advice.
/// </summary>
public sealed class SplitAnalysisTests(ITestOutputHelper output)
{
    private const int Seeds = 400;
    private static readonly AnalysisOptions Options = new() { Draws = 999 };
    private static readonly string[] Variants = ["control", "treatment"];

    [Fact]
    public void Compare_AaSplit_DeclaresADifferenceAtTheStatedRateAndItsIntervalCovers()
    {
        int falsePositives = 0, covered = 0, bounded = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var assignment = SyntheticServices.Assign(seed, 20);
            var comparison = SplitAnalysis.Compare(Variants, assignment, SyntheticServices.Generate(assignment, 48, seed), ExperimentMetric.Cost, (ulong)seed, Options).Single();
            falsePositives += comparison.Significant ? 1 : 0;
            bounded += comparison.Low is not null && comparison.High is not null ? 1 : 0;
            covered += comparison.Low <= 0 && comparison.High >= 0 ? 1 : 0;
        }

        output.WriteLine($"A/A split, 20 services: {falsePositives}/{Seeds} significant, interval bounded {bounded}/{Seeds} and covered 0 in {covered}/{Seeds}");
        Assert.InRange((double)falsePositives / Seeds, 0.025, 0.075);
        Assert.InRange((double)covered / bounded, 0.925, 0.975);
    }

    [Fact]
    public void Compare_TrueTenPercentSaving_IsDetectedWithThePowerTheEstimatePlannedFor()
    {
        // Plan from a large A/A pilot (200 services: the spread between services is then known well), as the switchback
        // test plans from a long pilot: how many services does a 10 % difference need?
        var pilotAssignment = SyntheticServices.Assign(10_000, 200);
        var pilot = SplitAnalysis.Compare(Variants, pilotAssignment, SyntheticServices.Generate(pilotAssignment, 48, 10_000), ExperimentMetric.Cost, 1,
            new AnalysisOptions { Draws = 199, DetectableRelative = 0.10 }).Single();
        var plan = Assert.IsType<SplitPowerEstimate>(pilot.SplitPower);
        var services = plan.ServicesNeeded;

        var detected = 0;
        var effects = new Dictionary<string, double> { ["treatment"] = 0.9 };
        for (var seed = 0; seed < Seeds; seed++)
        {
            // The hash does not balance the arms: the planned total is split as it falls, which costs a little power.
            var assignment = SyntheticServices.Assign(seed, services);
            var comparison = SplitAnalysis.Compare(Variants, assignment, SyntheticServices.Generate(assignment, 48, seed, effects: effects), ExperimentMetric.Cost, (ulong)seed, Options).Single();
            detected += comparison.Significant && comparison.Difference < 0 ? 1 : 0;
        }

        output.WriteLine($"10 % saving: planned {services} services from the pilot; detected {detected}/{Seeds}, stated power {plan.TargetPower:P0}");
        Assert.True((double)detected / Seeds >= plan.TargetPower - 0.06, $"detected {detected}/{Seeds} with {services} services");
    }

    [Fact]
    public void Compare_ThreeAaVariants_HolmKeepsTheFamilyWiseRate()
    {
        int anyFalse = 0, anyUnadjusted = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var assignment = SyntheticServices.Assign(seed, 24, "control", "a", "b", "c");
            var comparisons = SplitAnalysis.Compare(["control", "a", "b", "c"], assignment, SyntheticServices.Generate(assignment, 24, seed), ExperimentMetric.Cost, (ulong)seed,
                new AnalysisOptions { Draws = 499 });
            anyFalse += comparisons.Any(c => c.Significant) ? 1 : 0;
            anyUnadjusted += comparisons.Any(c => c.PValue < 0.05) ? 1 : 0;
        }

        output.WriteLine($"three A/A variants on 24 services: any significant after Holm {anyFalse}/{Seeds}, before {anyUnadjusted}/{Seeds}");
        Assert.True((double)anyFalse / Seeds <= 0.075, $"family-wise false positives {anyFalse}/{Seeds}");
        Assert.True(anyUnadjusted > anyFalse, "without Holm three comparisons should err more often");
    }

    [Fact]
    public void SplitPower_ServicesThatDiffer_NeedMoreServicesNotMoreDays()
    {
        var assignment = SyntheticServices.Assign(3, 8);
        var comparison = SplitAnalysis.Compare(Variants, assignment, SyntheticServices.Generate(assignment, 48, 3, betweenCv: 0.3, noiseSd: 2), ExperimentMetric.Cost, 3, Options).Single();
        var power = Assert.IsType<SplitPowerEstimate>(comparison.SplitPower);
        output.WriteLine(power.ToString());
        Assert.True(power.MoreServices > 0, power.ToString());
        Assert.Null(power.BlocksPerServiceNeeded);
    }

    [Fact]
    public void SplitPower_IdenticalServicesWithNoisyBlocks_NeedMoreDays()
    {
        var assignment = SyntheticServices.Assign(4, 40);
        // A 10 % difference, 12 noisy blocks so far: the services are alike, so averaging more blocks on each is enough.
        var comparison = SplitAnalysis.Compare(Variants, assignment, SyntheticServices.Generate(assignment, 12, 4, betweenCv: 0, noiseSd: 40), ExperimentMetric.Cost, 4,
            new AnalysisOptions { Draws = 999, DetectableRelative = 0.1 }).Single();
        var power = Assert.IsType<SplitPowerEstimate>(comparison.SplitPower);
        output.WriteLine(power.ToString());
        Assert.NotNull(power.BlocksPerServiceNeeded);
        Assert.True(power.MoreBlocksPerService > 0, power.ToString());
    }

    [Fact]
    public void PermutationTest_FewServices_IsExactAndTooSmallToBound()
    {
        // 2 vs 2 services: 6 relabellings, the observed one and its mirror are the most extreme, p = 2/6.
        var test = new PermutationTest([10.0, 11.0], [20.0, 21.0], 999, 1);
        Assert.True(test.Exact);
        Assert.Equal(-10.0, test.Observed, 12);
        Assert.Equal(1.0 / 3, test.PValue(), 12);
        Assert.Equal((null, null), test.Interval(0.05));
        Assert.Equal(4, SplitPowerEstimate.SmallestArmForAlpha(0.05)); // 3 vs 3: 2/20 = 0.1; 4 vs 4: 2/70
    }
}
