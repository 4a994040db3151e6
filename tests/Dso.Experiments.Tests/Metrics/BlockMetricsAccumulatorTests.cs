using Dso.Experiments.Metrics;

namespace Dso.Experiments.Tests.Metrics;

public sealed class BlockMetricsAccumulatorTests
{
    [Fact]
    public void Observe_LeavesOutWashoutAndSplitsIntervalsAtBoundaries()
    {
        var design = SyntheticBlocks.Design(1);
        var accumulator = new BlockMetricsAccumulator(design);
        // 0:00-1:30 at $60/h with demand 150 over capacity 100: spans washout, block 0's measured part, and block 1's washout.
        accumulator.Observe(design.Start, design.Start.AddMinutes(90), 150, 100, 60m, scalingAction: false);
        accumulator.Observe(design.Start.AddMinutes(90), design.Start.AddMinutes(120), 50, 100, 60m, scalingAction: true);
        var blocks = accumulator.Blocks(design.Start.AddMinutes(120));
        Assert.Equal(2, blocks.Count);
        Assert.Equal(45, blocks[0].MeasuredMinutes, 6);
        Assert.Equal(15, blocks[0].WashoutMinutes, 6);
        Assert.Equal(45m, blocks[0].CostUsd);
        Assert.Equal(45, blocks[0].SloViolationMinutes, 6);
        Assert.Equal(50 * 45 * 60, blocks[0].UnservedRequests, 3);
        Assert.Equal(100 * 45 * 60, blocks[0].RequestsServed, 3);
        Assert.Equal(45, blocks[1].MeasuredMinutes, 6);
        Assert.Equal(15, blocks[1].SloViolationMinutes, 6);
        Assert.Equal(1, blocks[1].ScalingActions);
        Assert.True(blocks[1].Complete);
    }

    [Fact]
    public void Observe_WithoutWashout_MeasuresTheWholeBlock()
    {
        var design = SyntheticBlocks.Design(1);
        var accumulator = new BlockMetricsAccumulator(design, applyWashout: false);
        accumulator.Observe(design.Start, design.Start.AddMinutes(60), 10, 100, 60m, scalingAction: true);
        var block = Assert.Single(accumulator.Blocks(design.Start.AddMinutes(30)));
        Assert.Equal(60m, block.CostUsd);
        Assert.Equal(1, block.ScalingActions);
        Assert.False(block.Complete);
    }
}
