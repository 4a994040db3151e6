using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>The spend ledger read tick by tick: what each interval billed, and a new period starting afresh.</summary>
public sealed class PeriodLedgerTests
{
    private static readonly DateTimeOffset March = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset April = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);

    private static BudgetWindow Window(DateTimeOffset start, decimal spent) => new(start, start.AddMonths(1), 100m, spent, Hard: true);

    [Fact]
    public void Each_tick_reads_the_bill_and_hours_since_the_previous_one_and_a_new_period_starts_afresh()
    {
        var ledger = new PeriodLedger();
        Assert.False(ledger.Reads(Window(March, 0)));

        // The first tick of a period only marks where the reading starts (month-to-date spend may already be non-zero).
        Assert.Null(ledger.Advance(Window(March, 5m), March.AddHours(10)));
        Assert.True(ledger.Reads(Window(March, 5m)));

        Assert.Equal((1.5, 0.5), ledger.Advance(Window(March, 6.5m), March.AddHours(10.5)));
        Assert.Equal((2.0, 2.0), ledger.Advance(Window(March, 8.5m), March.AddHours(12.5)));
        // A tick at the same moment bills nothing over no time.
        Assert.Equal((0.0, 0.0), ledger.Advance(Window(March, 8.5m), March.AddHours(12.5)));

        // April: the reading starts again from April's own month-to-date spend, not March's.
        Assert.Null(ledger.Advance(Window(April, 0.25m), April.AddMinutes(1)));
        Assert.False(ledger.Reads(Window(March, 8.5m)));
        Assert.Equal((0.75, 1.0), ledger.Advance(Window(April, 1m), April.AddMinutes(61)));
    }
}
