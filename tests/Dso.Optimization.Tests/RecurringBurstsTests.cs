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

    /// <summary>Five-minute ticks with a 13x single-tick burst at ticks 1 and 11 of every hour, up to <paramref name="stop"/>.</summary>
    private static IEnumerable<double> TwoBurstsAnHour(int stop, int seed = 9) => Bursts(stop, 13, seed, 1, 11);

    /// <summary>Five-minute ticks with a single-tick burst of <paramref name="ratio"/> x the base at the given ticks of every hour.</summary>
    private static IEnumerable<double> Bursts(int stop, double ratio, int seed, params int[] ticks)
    {
        var random = new Random(seed);
        for (var i = 0; i <= stop; i++)
        {
            yield return Base * (ticks.Contains(i % 12) ? ratio : 1) * (1 + (0.05 * ((random.NextDouble() * 2) - 1)));
        }
    }

    /// <summary>
    /// A short burst the profile expects again is reported once it has ended (its ticks and the base it rose from), not
    /// while it is under way; bursts at a random tick of each hour are not (nothing says they recur where they were).
    /// </summary>
    [Fact]
    public void EndedRecurring_AfterAProfiledBurst_GivesItsTicksAndBase()
    {
        var bursts = new RecurringBursts(TimeSpan.FromMinutes(5));
        var stop = (3 * 288) + 1;
        foreach (var d in TwoBurstsAnHour(stop))
        {
            bursts.Observe(d);
        }

        Assert.Null(bursts.EndedRecurring);
        bursts.Observe(Base);
        var ended = Assert.NotNull(bursts.EndedRecurring);
        Assert.Equal((stop, stop), (ended.From, ended.To));
        Assert.InRange(ended.Base, Base * 0.9, Base * 1.1);

        var random = new Random(4);
        var scattered = new RecurringBursts(TimeSpan.FromMinutes(5));
        var at = random.Next(1, 11);
        for (var i = 0; i < 3 * 288; i++)
        {
            if (i % 12 == 0)
            {
                at = random.Next(1, 11);
            }

            scattered.Observe(i % 12 == at ? Base * 13 : Base);
        }

        Assert.Null(scattered.EndedRecurring);
    }

    /// <summary>
    /// A 5-minute series: the tick after a one-tick burst the profile expects, the recent mean (two ticks) still holds
    /// half of it. The level features read the ended burst at its base, with or without room in the budget, so the rows
    /// a launch could serve (up to 35 minutes out, before the profile expects the next burst) are bounded near the base
    /// (capacity for the burst that is over would boot into the base). A burst the profile does not expect, the first of
    /// its kind, is carried.
    /// </summary>
    [Fact]
    public void Observe_AnEndedProfiledBurstDoesNotRaiseTheNextRows()
    {
        const int Rows = 7;
        var stop = (3 * 288) + 2;
        OutlookResult Run(bool skip, IEnumerable<double> demand)
        {
            var outlook = new DemandOutlook(TimeSpan.FromMinutes(5), Rows, new CostOptimizerOptions()) { SkipShortBursts = skip };
            OutlookResult? last = null;
            foreach (var d in demand)
            {
                last = outlook.Observe(d, null);
            }

            return last!;
        }

        foreach (var skip in new[] { true, false })
        {
            var masked = Run(skip, TwoBurstsAnHour(stop));
            Assert.True(masked.Upper.Max() < Base * 2, $"skip {skip}: the rows stay near the base: {string.Join(", ", masked.Upper.Select(u => u.ToString("0")))}");
        }

        var carried = Run(skip: true, Bursts(stop, 1, 9).Select((d, i) => i == stop - 1 ? d * 13 : d));
        Assert.True(carried.Upper.Max() >= Base * 4, $"a burst nothing expects is carried: {carried.Upper.Max():0}");
    }

    /// <summary>
    /// Under a binding budget the fit is held to a low quantile (p60), which a burst on 2 ticks of 12 never reaches: the
    /// rows where the profile expects one are bounded at it up to the budget's ceiling (the ceiling prices the demand
    /// seen, bursts included), the others are not raised, and without a ceiling nothing changes.
    /// </summary>
    [Fact]
    public void Observe_BurstCeiling_BoundsTheExpectedBurstRowsUpToTheCeiling()
    {
        const int Rows = 4;
        // Stop at tick 9: rows 1-4 are ticks 10, 11, 0 and 1 of the next hour, then 2-5; the profile expects ticks 11 and
        // 1 and the tick before each (a tick's lead).
        var stop = (3 * 288) + 9;
        OutlookResult Run(double ceiling)
        {
            var outlook = new DemandOutlook(TimeSpan.FromMinutes(5), Rows + 4, new CostOptimizerOptions()) { SkipShortBursts = true, BurstCeiling = ceiling };
            OutlookResult? last = null;
            foreach (var d in TwoBurstsAnHour(stop))
            {
                last = outlook.Observe(d, null, double.PositiveInfinity, 0.6);
            }

            return last!;
        }

        var plain = Run(0);
        var capped = Run(Base * 6);
        Assert.True(plain.Upper[1] < Base * 2, $"p60 alone does not reach the burst: {plain.Upper[1]:0}");
        for (var k = 0; k < Rows; k++)
        {
            Assert.InRange(capped.Upper[k], Base * 6 * 0.999, Base * 6 * 1.001);
        }

        // Rows 6-8 (ticks 3-5): no burst expected (tick 2, a tick past the one at tick 1, may still be by its clock).
        for (var k = Rows + 1; k < capped.Upper.Length; k++)
        {
            Assert.True(capped.Upper[k] < Base * 2, $"row {k + 1} expects no burst: {capped.Upper[k]:0}");
        }
    }

    /// <summary>
    /// A 2.5x burst at one tick of each hour carries an eighth of the demand above the base: the profile expects it,
    /// but the budget's quantile judges it (the ceiling does not raise its row); the same burst at 13x (two thirds) does.
    /// </summary>
    [Fact]
    public void Observe_BurstCeiling_NotForBurstsCarryingLittleOfTheDemand()
    {
        // Stop at tick 9: row 2, the last, is tick 11, the burst's.
        var stop = (3 * 288) + 9;
        OutlookResult Run(double ratio)
        {
            var outlook = new DemandOutlook(TimeSpan.FromMinutes(5), 2, new CostOptimizerOptions()) { SkipShortBursts = true, BurstCeiling = Base * 20 };
            OutlookResult? last = null;
            foreach (var d in Bursts(stop, ratio, 5, 11))
            {
                last = outlook.Observe(d, null, double.PositiveInfinity, 0.6);
            }

            return last!;
        }

        var (small, large) = (Run(2.5), Run(13));
        Assert.True(small.Upper[1] < Base * 2, $"a 2.5x burst at one tick of 12: {small.Upper[1]:0}");
        Assert.True(large.Upper[1] > Base * 10, $"a 13x burst at one tick of 12: {large.Upper[1]:0}");

        // The decision's reason (the last row's, tick 11) names the burst, not the demand served now.
        Assert.Null(small.ExpectedBurst);
        Assert.Contains("the burst the hourly profile expects", large.Describe());
        Assert.DoesNotContain("not below the demand served now", large.Describe());
    }
}
