using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>Bursts on a clock: found from onsets alone, predicted by slot hazard, never from the future.</summary>
public sealed class RecurringBurstsTests
{
    private const int Base = 500;

    /// <summary>
    /// A 30-minute clock at minute 2 of the slot, bursting every 4 slots, except every third burst comes a slot
    /// late: the hazard four slots after a burst is high, one slot after it is nil.
    /// </summary>
    private static double[] Clocked(int days, int seed = 3) => Clocked(days, out _, seed);

    private static double[] Clocked(int days, out List<int> onsets, int seed = 3)
    {
        onsets = [];
        var random = new Random(seed);
        var demand = new double[days * 1440];
        var next = 62;
        var n = 0;
        for (var i = 0; i < demand.Length; i++)
        {
            demand[i] = Base * (1 + (0.05 * ((random.NextDouble() * 2) - 1)));
        }

        while (next < demand.Length)
        {
            onsets.Add(next);
            for (var k = 0; k < 9 && next + k < demand.Length; k++)
            {
                demand[next + k] = Base * 4.5;
            }

            next += ++n % 3 == 0 ? 150 : 120;
        }

        return demand;
    }

    [Fact]
    public void Observe_BurstsOnAClock_PredictsTheLikelySlotAndNotTheNextOne()
    {
        var demand = Clocked(2, out var onsets);
        var bursts = new RecurringBursts(TimeSpan.FromMinutes(1));
        // Stop four minutes before a burst that comes 120 minutes after the previous one, on the second day.
        var due = onsets.First(o => o > 1440 && onsets.Contains(o - 120));
        var stop = due - 4;
        for (var i = 0; i < stop; i++)
        {
            bursts.Observe(demand[i]);
        }

        Assert.True(bursts.Active, "a clock should be found");
        Assert.Contains("on a 30-tick clock", bursts.Describe());
        // Row 4 ahead is the onset minute: the expected peak (about 4.5 x the base) is there.
        Assert.InRange(bursts.Expected(4, 0.3), Base * 4, Base * 5);
        // Well after the burst's usual length: nothing.
        Assert.Equal(0, bursts.Expected(4 + 15, 0.3));
        // Once that burst is over, the next slot (thirty minutes after it) never had one: not predicted.
        for (var i = stop; i < due + 12; i++)
        {
            bursts.Observe(demand[i]);
        }

        Assert.Equal(0, bursts.Expected(due + 30 - (due + 11), 0.3));
        Assert.True(bursts.Expected(due + 120 - (due + 11), 0.3) > Base * 4, "two slots of a 4-4-5 rhythm later: likely again");
    }

    [Fact]
    public void Observe_SlotPassesWithoutBurst_StopsPredictingIt()
    {
        var demand = Clocked(2, out var onsets);
        var bursts = new RecurringBursts(TimeSpan.FromMinutes(1));
        // Every third burst comes 150 minutes after the one before: watch its 120-minute slot pass quietly.
        var onset = onsets.First(o => o > 1440 && onsets.Contains(o + 150));
        var quietSlot = onset + 120;
        Assert.True(demand[quietSlot] < Base * 2, "the test trace should be quiet in that slot");
        for (var i = 0; i <= quietSlot + 3; i++)
        {
            bursts.Observe(demand[i]);
        }

        Assert.Equal(0, bursts.Expected(1, 0.3));
    }

    [Fact]
    public void Observe_BurstsAtRandomTimes_FindsNoClock()
    {
        var random = new Random(5);
        var bursts = new RecurringBursts(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3 * 1440; i++)
        {
            var burst = random.NextDouble() < 1 / 90.0;
            bursts.Observe(burst ? Base * 4 : Base);
            Assert.Equal(0, bursts.Expected(5, 0.01));
        }

        Assert.False(bursts.Active);
    }

    [Fact]
    public void Expected_IsCausal_SameAnswerWhateverFollows()
    {
        var demand = Clocked(2);
        var a = new RecurringBursts(TimeSpan.FromMinutes(1));
        var b = new RecurringBursts(TimeSpan.FromMinutes(1));
        var other = (double[])demand.Clone();
        for (var i = 1500; i < other.Length; i++)
        {
            other[i] = Base * 3;
        }

        for (var i = 0; i < 1500; i++)
        {
            a.Observe(demand[i]);
            b.Observe(other[i]);
            for (var k = 1; k <= 5; k++)
            {
                Assert.Equal(a.Expected(k, 0.3), b.Expected(k, 0.3));
            }
        }
    }

    [Fact]
    public void Observe_HourlyTicks_NeverFindsASubHourlyClock()
    {
        var bursts = new RecurringBursts(TimeSpan.FromHours(1));
        for (var i = 0; i < 2000; i++)
        {
            bursts.Observe(i % 4 == 0 ? Base * 4 : Base);
        }

        Assert.False(bursts.Active);
    }

    [Fact]
    public void OpenOnClock_DuringABurstOnTheClock_GivesTicksLeftOfItsUsualLengthAndItsBase()
    {
        var demand = Clocked(2, out var onsets);
        var bursts = new RecurringBursts(TimeSpan.FromMinutes(1));
        var onset = onsets.First(o => o > 1440);
        for (var i = 0; i < onset; i++)
        {
            bursts.Observe(demand[i]);
        }

        Assert.Null(bursts.OpenOnClock);
        for (var i = onset; i <= onset + 2; i++)
        {
            bursts.Observe(demand[i]);
        }

        // Three minutes into a 9-minute burst: six more ticks (the latest observed is the burst's third).
        var open = Assert.NotNull(bursts.OpenOnClock);
        Assert.Equal(6, open.Remaining);
        Assert.InRange(open.Base, Base * 0.95, Base * 1.05);
        for (var i = onset + 3; i < onset + 12; i++)
        {
            bursts.Observe(demand[i]);
        }

        Assert.Null(bursts.OpenOnClock);
    }

    /// <summary>
    /// budget_skip_short_bursts: three minutes into a burst that usually lasts nine, the rows a launch ordered now would
    /// first serve (12 minutes out) are past its end. With the skip the outlook does not carry the burst's level there
    /// (capacity for them would arrive after it); without it, it does. The rows inside the burst carry it either way.
    /// </summary>
    [Fact]
    public void Observe_SkipShortBursts_RowsPastABurstsUsualEndDoNotCarryItsLevel()
    {
        const int Rows = 12;
        var demand = Clocked(3, out var onsets);
        var onset = onsets.First(o => o > 2 * 1440);
        OutlookResult Run(bool skip)
        {
            var outlook = new DemandOutlook(TimeSpan.FromMinutes(1), Rows, new CostOptimizerOptions()) { SkipShortBursts = skip };
            OutlookResult? last = null;
            for (var i = 0; i <= onset + 2; i++)
            {
                last = outlook.Observe(demand[i], null);
            }

            return last!;
        }

        var skipped = Run(skip: true);
        var carried = Run(skip: false);
        Assert.True(skipped.Upper[0] >= Base * 4, $"row 1, inside the burst: {skipped.Upper[0]:0}");
        Assert.True(carried.Upper[^1] >= Base * 4, $"without the skip row {Rows} carries the burst: {carried.Upper[^1]:0}");
        Assert.True(skipped.Upper[^1] < Base * 2, $"with the skip row {Rows}, after the burst's usual end: {skipped.Upper[^1]:0}");
    }

    /// <summary>
    /// Five-minute ticks, a 13x single-tick burst at ticks 1 and 11 of every hour (an instance's network-in at :05 and
    /// :55): a clock has one onset per slot, so only the occupancy profile expects both.
    /// </summary>
    [Fact]
    public void Observe_TwoBurstsEveryHour_ExpectsBothTicksOfTheHour()
    {
        var random = new Random(9);
        var bursts = new RecurringBursts(TimeSpan.FromMinutes(5));
        // Three days; stop at tick 9 of an hour, so ticks 11 and 13 (the next hour's tick 1) are 2 and 4 ahead.
        var stop = (3 * 288) + 9;
        for (var i = 0; i <= stop; i++)
        {
            var burst = i % 12 is 1 or 11;
            bursts.Observe(Base * (burst ? 13 : 1) * (1 + (0.05 * ((random.NextDouble() * 2) - 1))));
        }

        Assert.InRange(bursts.Expected(2, 0.3), Base * 10, Base * 16);
        Assert.InRange(bursts.Expected(4, 0.3), Base * 10, Base * 16);
        // Between the bursts (tick 6 of the next hour is 9 ahead, its next tick 7 is no burst either): nothing.
        Assert.Equal(0, bursts.Expected(9, 0.3));
        Assert.Contains("bursts at ticks 1, 11 of every 12-tick period", bursts.Describe());
    }

    /// <summary>A burst at a random tick of each hour: no tick is in a burst in most hours, so the profile expects none.</summary>
    [Fact]
    public void Observe_OneBurstAtARandomTickEachHour_ProfileExpectsNothing()
    {
        var random = new Random(4);
        var bursts = new RecurringBursts(TimeSpan.FromMinutes(5));
        var at = random.Next(12);
        for (var i = 0; i < 3 * 288; i++)
        {
            if (i % 12 == 0)
            {
                at = random.Next(12);
            }

            bursts.Observe(i % 12 == at ? Base * 13 : Base);
        }

        Assert.DoesNotContain("of every 12-tick period", bursts.Describe() ?? string.Empty);
    }
}
