namespace Dso.Detection.Tests;

public sealed class ComponentTests
{
    [Fact]
    public void SlidingExtremes_WindowMovesOn_ForgetsOldExtremes()
    {
        var extremes = new SlidingExtremes(3);
        foreach (var v in new[] { 9.0, 1, 5, 4, 3 })
        {
            extremes.Add(v);
        }

        Assert.Equal(5, extremes.Max);
        Assert.Equal(3, extremes.Min);
    }

    [Fact]
    public void RingBuffer_OverCapacity_KeepsNewest()
    {
        var ring = new RingBuffer(3);
        for (var i = 1; i <= 5; i++)
        {
            ring.Add(i);
        }

        Assert.Equal(3, ring.Count);
        Assert.Equal(5, ring.Back(0));
        Assert.Equal(3, ring[0]);
    }

    [Fact]
    public void RecordExceedance_NewHighAfterQuietHistory_ReportsExceedanceInRanges()
    {
        var record = new RecordExceedance(lookBack: 100, delay: 1, minHistory: 10, upper: true, lower: false);
        for (var i = 0; i < 50; i++)
        {
            record.Update(i % 2 == 0 ? 0.0 : 10.0);
        }

        var (exceedance, direction) = record.Update(15);

        Assert.Equal(1, direction);
        Assert.Equal(0.5, exceedance, 6);
    }

    [Fact]
    public void RollingMoments_FullWindow_MatchesDirectComputation()
    {
        var moments = new RollingMoments(4);
        foreach (var v in new[] { 100.0, 1, 2, 3, 4 })
        {
            moments.Add(v);
        }

        Assert.Equal(2.5, moments.Mean, 9);
        Assert.Equal(Math.Sqrt(1.25), moments.StdDev, 9);
    }
}
