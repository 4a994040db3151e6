using Dso.Abstractions.Catalog;
using Dso.Experiments.Analysis;
using Dso.Experiments.Design;
using Dso.Experiments.Metrics;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Reconcile;

/// <summary>
/// The interference-free estimate <c>dso simulate --experiment</c> prints: blocks filled from each assigned variant's
/// own whole-trace run, so a variant that costs a constant 20 % less is estimated at exactly -20 %.
/// </summary>
public sealed class PotentialOutcomesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);

    private static SimulationResult Run(string variant, decimal hourly, int minutes) => new(
        [.. Enumerable.Range(0, minutes).Select(m => new SimulationRow("", 100, 100, hourly * (1 + (m / 60 % 5 * 0.1m)), Fleet.Empty, "")
        {
            Start = T0.AddMinutes(m),
            End = T0.AddMinutes(m + 1),
            Variant = variant,
        })],
        new SimulationSummary("s", minutes, minutes / 60.0, hourly * minutes / 60, 0, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Compare_BlocksFromEachVariantsOwnRun_RecoverTheConstantEffectExactly()
    {
        var design = new SwitchbackDesign { Start = T0, BlockLength = TimeSpan.FromHours(1), Washout = TimeSpan.FromMinutes(15), Variants = ["q98", "q90"], Seed = 3 };
        var runs = new Dictionary<string, SimulationResult> { ["q98"] = Run("q98", 1m, 24 * 60), ["q90"] = Run("q90", 0.8m, 24 * 60) };

        var blocks = PotentialOutcomes.AssignedBlocks(design, runs);
        Assert.Equal(24, blocks.Count(b => b.Complete));
        Assert.All(blocks, b => Assert.Equal(design.VariantOf(b.Block), b.Variant));
        // Each block costs its assigned variant's price over the 45 measured minutes.
        Assert.All(blocks, b => Assert.Equal((b.Variant == "q90" ? 0.8 : 1.0) * (1 + (b.Block % 5 * 0.1)) * 0.75, (double)b.CostUsd, 6));
        var comparison = Assert.Single(PotentialOutcomes.Compare(design, runs, ExperimentMetric.Cost, new AnalysisOptions()));
        Assert.True(comparison.RelativeDifference is < -0.15 and > -0.25, $"{comparison.RelativeDifference}");
        Assert.Equal(-0.2, PotentialOutcomes.MeasuredTruth(design, runs, ExperimentMetric.Cost)["q90"], 9);
    }
}
