using Dso.Experiments.Design;

namespace Dso.Experiments.Tests.Design;

public sealed class SwitchbackDesignTests
{
    [Fact]
    public void VariantOf_EveryGroup_RunsEachVariantOnce()
    {
        var design = SyntheticBlocks.Design(3, "a", "b", "c");
        for (var group = 0; group < 200; group++)
        {
            var variants = Enumerable.Range(group * 3, 3).Select(b => design.VariantOf(b)).Order().ToArray();
            Assert.Equal(["a", "b", "c"], variants);
        }
    }

    [Fact]
    public void VariantOf_SameSeed_SameScheduleAndDifferentSeedDiffers()
    {
        var first = Enumerable.Range(0, 100).Select(b => SyntheticBlocks.Design(42).VariantOf(b)).ToArray();
        var again = Enumerable.Range(0, 100).Select(b => SyntheticBlocks.Design(42).VariantOf(b)).ToArray();
        var other = Enumerable.Range(0, 100).Select(b => SyntheticBlocks.Design(43).VariantOf(b)).ToArray();
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void VariantOf_OrderWithinGroups_IsRandomNotFixed()
    {
        var design = SyntheticBlocks.Design(7);
        var controlFirst = Enumerable.Range(0, 1000).Count(g => design.VariantOf(2 * g) == "control");
        Assert.InRange(controlFirst, 440, 560);
    }

    [Fact]
    public void BlockAt_AndWashout_FollowTheClock()
    {
        var design = SyntheticBlocks.Design(1);
        Assert.Equal(-1, design.BlockAt(design.Start.AddMinutes(-1)));
        Assert.Equal(0, design.BlockAt(design.Start.AddMinutes(59)));
        Assert.Equal(1, design.BlockAt(design.Start.AddMinutes(60)));
        Assert.True(design.InWashout(design.Start.AddMinutes(74)));
        Assert.False(design.InWashout(design.Start.AddMinutes(75)));
    }

    [Fact]
    public void Check_WashoutShorterThanCarryOver_IsAProblem()
    {
        var carry = CarryOver.MinimumWashout(TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.FromMinutes(10), carry);
        Assert.Empty(CarryOver.Check(TimeSpan.FromHours(1), TimeSpan.FromMinutes(10), carry));
        Assert.Contains(CarryOver.Check(TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), carry), p => p.Contains("shorter than the carry-over"));
        Assert.Contains(CarryOver.Check(TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(10), carry), p => p.Contains("at least 2x the washout"));
    }

    [Fact]
    public void StableSplit_IsIndependentOfOrderAndOfOtherServices()
    {
        string[] variants = ["control", "lean"];
        var services = Enumerable.Range(0, 40).Select(i => $"svc-{i}").ToArray();
        var split = StableSplit.Assign("exp", 9, services, variants);
        var reversed = StableSplit.Assign("exp", 9, services.Reverse().Take(20), variants);
        Assert.All(reversed, kv => Assert.Equal(split[kv.Key], kv.Value));
        Assert.InRange(split.Values.Count(v => v == "lean"), 10, 30);
    }
}
