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
}
