using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>
/// A regime that has ended leaves the fit (<see cref="EnvelopeCalibrator.EndedSamples"/>). random_sweep.py's r49-08
/// (the ec2-net trace at 15-minute ticks, a soft budget): for two and a half days demand jumped from one quarter hour to the next between
/// 14,500 and 2,900 rps, covering that square wave took five times the low tick's level, and after it stopped the fit,
/// holding those samples for the 20 days its window spans, kept asking for 4-12 x the new 2,600 rps level for four days.
/// A weekend after a week of daily peaks looks the same for two days and must not be taken for one; a level held around
/// the clock that falls is over after a day.
/// </summary>
public sealed class EndedRegimeTests
{
    private const int Day = 96;

    [Fact]
    public void Once_a_square_wave_around_the_clock_has_stopped_for_a_day_the_bound_follows_the_level_in_force()
    {
        var random = new Random(5);
        var calibrator = Calibrator();
        var history = new List<double>();
        // High or low at random, at every hour of the day, as neither the tick before nor the day before can tell.
        Append(calibrator, history, Enumerable.Range(0, (int)(2.5 * Day)).Select(_ => (random.Next(2) == 0 ? 14_500 : 2_900) * (1 + (0.01 * random.NextDouble()))).ToArray());
        Append(calibrator, history, Level(random, 2_600, (int)(0.75 * Day)));
        calibrator.Refit([true, true]);
        Assert.Equal(0, calibrator.EndedSamples);
        var early = calibrator.Envelope(Features(history));
        Assert.True(early > 2 * 2_600, $"18 hours into the lower level the old regime no longer shapes the fit (bound {early:0}): the test does not test what it names");

        Append(calibrator, history, Level(random, 2_600, (int)(0.75 * Day)));
        calibrator.Refit([true, true]);
        var bound = calibrator.Envelope(Features(history));
        Assert.True(calibrator.EndedSamples > 0, "the square wave's samples are still in the fit");
        Assert.True(bound < 1.3 * 2_600, $"a day and a half after the square wave stopped the bound is {bound:0} rps for 2,600 rps");
        Assert.True(calibrator.FittedDays is > 1 and < 2, $"fitted on {calibrator.FittedDays:0.##} days");
        Assert.Equal(EnvelopeCalibrator.ClockDays, calibrator.EndedDays);

        // A restarted planner explains its bound as the saved one did until its next refit.
        using var stream = new MemoryStream();
        using (var w = new Dso.Optimization.State.StateWriter(stream))
        {
            calibrator.Save(w);
            calibrator.SaveEnded(w);
        }

        stream.Position = 0;
        var restored = Calibrator();
        using (var r = new Dso.Optimization.State.StateReader(stream))
        {
            restored.Load(r);
            restored.LoadEnded(r);
        }

        Assert.Equal((calibrator.EndedSamples, calibrator.EndedAbove, calibrator.EndedDays), (restored.EndedSamples, restored.EndedAbove, restored.EndedDays));
    }

    [Fact]
    public void Daily_peaks_that_stopped_leave_the_fit_after_three_days_not_one()
    {
        // Five days with a midday peak of 1,000 rps, then days peaking at 300: the old regime was above the quiet days'
        // mark only around midday, as a weekday is, so a day or two below it is not its end; three and a half are.
        var random = new Random(11);
        var calibrator = Calibrator();
        var history = new List<double>();
        Append(calibrator, history, Enumerable.Range(0, 5 * Day).Select(i => Weekly(i, 7, random)).ToArray());
        Append(calibrator, history, Enumerable.Range(5 * Day, (int)(2.5 * Day)).Select(i => Weekly(i, 0, random)).ToArray());
        calibrator.Refit([true, true]);
        Assert.Equal(0, calibrator.EndedSamples);

        Append(calibrator, history, Enumerable.Range((int)(7.5 * Day), Day).Select(i => Weekly(i, 0, random)).ToArray());
        calibrator.Refit([true, true]);
        Assert.True(calibrator.EndedSamples > 0, "three and a half days after the daily peaks stopped they are still in the fit");
        Assert.Equal(EnvelopeCalibrator.RegimeDays, calibrator.EndedDays);
    }

    [Fact]
    public void The_planners_outlook_leaves_an_ended_regime_out_and_says_so()
    {
        // The same at the planner's outlook, with all its features, at 15-minute ticks: the decision's reason names the fit's span.
        var random = new Random(21);
        var outlook = new DemandOutlook(TimeSpan.FromMinutes(15), 1, new CostOptimizerOptions());
        OutlookResult? result = null;
        var bounds = new List<double>();
        for (var i = 0; i < (int)(6.5 * Day); i++)
        {
            var demand = i < 2.5 * Day ? (random.Next(2) == 0 ? 14_500 : 2_900) * (1 + (0.01 * random.NextDouble())) : 2_600 * (1 + (0.03 * random.NextDouble()));
            result = outlook.Observe(demand, null);
            bounds.Add(result.Peak);
        }

        var reason = result!.Describe();
        Assert.True(outlook.Calibrator.EndedSamples > 0, reason);
        Assert.Contains("days since demand last exceeded", reason);
        Assert.Contains("x the highest of the last day: that regime ended, and it had run around the clock", reason);
        Assert.True(bounds.Skip((int)(6 * Day)).Max() < 1.3 * 2_600, $"the last half day bounded at up to {bounds.Skip((int)(6 * Day)).Max():0} rps for 2,600 rps: {reason}");
    }

    [Theory]
    [InlineData(15)]
    [InlineData(1)]
    public void Monday_after_a_first_long_quiet_stretch_brings_the_busy_days_back_as_it_rises(int minutes)
    {
        // Busy Monday to Thursday, quiet Friday to Sunday, from a Monday: on the first Sunday the quiet stretch is three
        // days old and no week before it says it comes back, so the busy days leave the fit. Each rise on Monday past
        // the peak the fit last read refits at once (not at the next two-hourly refit), and by midday they are back. At
        // one-minute ticks the fit's samples are every sixth tick, paired five ticks late: the peak it reads is the ticks'.
        var random = new Random(17);
        var day = 1440 / minutes;
        var outlook = new DemandOutlook(TimeSpan.FromMinutes(minutes), minutes == 1 ? 5 : 1, new CostOptimizerOptions());
        var ended = false;
        for (var i = 0; i < 8 * day; i++)
        {
            var demand = Weekly(i, 4, random, day);
            outlook.Observe(demand, null);
            var calibrator = outlook.Calibrator;
            ended |= i >= 6 * day && calibrator.EndedSamples > 0;
            if (i >= 7 * day && calibrator.EndedSamples > 0)
            {
                Assert.True(demand <= calibrator.EndedRecheckAbove,
                    $"Monday {(i % day) * minutes / 60.0:0.##} h: {demand:0} rps, above the {calibrator.EndedRecheckAbove:0} rps the fit that leaves the busy days out last read");
            }

            if (i == (7 * day) + (day / 2))
            {
                Assert.True(calibrator.EndedSamples == 0, $"Monday midday at {demand:0} rps: the busy days are still out of the fit");
            }
        }

        Assert.True(ended, "the busy days never left the fit: the test does not test what it names");
    }

    [Fact]
    public void A_quiet_stretch_that_comes_back_every_week_keeps_the_busy_days_in_the_fit()
    {
        // Busy Monday to Thursday (midday peaks of 1,000 rps), quiet Friday to Sunday (300): from Thursday afternoon to
        // Monday morning, three and a third days below the busy days' peaks, every week. From the second week on, the
        // same span a week before was as quiet: the busy days stay in the fit.
        AssertBusyDaysKept(busy: 4, seed: 7, ticks: 21 * Day, checkFrom: 8 * Day);
    }

    [Fact]
    public void The_first_weekend_of_a_new_service_keeps_its_weekdays_in_the_fit()
    {
        // Five weekdays from Monday with peaks of 1,000 rps, then the weekend at 300 until Monday 08:00: two and a half
        // days below the weekdays' peaks, with no week before it to compare with.
        AssertBusyDaysKept(busy: 5, seed: 9, ticks: (7 * Day) + (Day / 3), checkFrom: 5 * Day);
    }

    [Fact]
    public void A_few_old_spikes_the_fit_may_miss_anyway_do_not_end_a_regime()
    {
        // Four days at 1,000 rps with three ticks at 50,000 on the first, then four more: the spikes are fewer than the
        // 2 % of samples the fit may leave uncovered, so leaving out the days around them would only shrink the window.
        var random = new Random(13);
        var calibrator = Calibrator();
        var history = new List<double>();
        Append(calibrator, history, Enumerable.Range(0, 8 * Day).Select(i => i is 50 or 51 or 52 ? 50_000 : 1_000 * (1 + (0.05 * random.NextDouble()))));
        calibrator.Refit([true, true]);
        Assert.Equal(0, calibrator.EndedSamples);
    }

    /// <summary>
    /// Feeds <paramref name="ticks"/> of <see cref="Weekly"/> demand and refits every 4 ticks from
    /// <paramref name="checkFrom"/>: no refit may leave the busy days out of the fit.
    /// </summary>
    private static void AssertBusyDaysKept(int busy, int seed, int ticks, int checkFrom)
    {
        var random = new Random(seed);
        var calibrator = Calibrator();
        var history = new List<double>();
        for (var i = 0; i < ticks; i++)
        {
            Append(calibrator, history, [Weekly(i, busy, random)]);
            if (i >= checkFrom && i % 4 == 0)
            {
                calibrator.Refit([true, true]);
                Assert.True(calibrator.EndedSamples == 0, $"day {i / Day}, tick {i % Day}: the busy days left the fit as an ended regime");
            }
        }
    }

    private static EnvelopeCalibrator Calibrator() => new(2, 2000, 0.98, 30) { SamplesPerDay = Day };

    private static IEnumerable<double> Level(Random random, double level, int ticks) =>
        Enumerable.Range(0, ticks).Select(_ => level * (1 + (0.03 * random.NextDouble()))).ToArray();

    /// <summary>Tick <paramref name="i"/> from a Monday: midday peaks of 1,000 rps on the first <paramref name="busy"/> days of each week, 300 on the rest.</summary>
    private static double Weekly(int i, int busy, Random random, int day = Day)
    {
        var t = (i % day) / (double)day;
        var peak = (i / day) % 7 < busy ? 1_000 : 300;
        return 50 + (peak * Math.Max(0, Math.Sin(Math.PI * ((t * 1.5) - 0.25)))) + (10 * random.NextDouble());
    }

    /// <summary>Appends each tick to the history and pairs the features known before it with its demand.</summary>
    private static void Append(EnvelopeCalibrator calibrator, List<double> history, IEnumerable<double> ticks)
    {
        foreach (var d in ticks)
        {
            if (history.Count > 0)
            {
                calibrator.Add(Features(history), d);
            }

            history.Add(d);
        }
    }

    /// <summary>The features for the tick after <paramref name="history"/>: its last demand, and the demand a day before that tick.</summary>
    private static double[] Features(List<double> history) => [history[^1], history.Count >= Day ? history[^Day] : double.NaN];
}
