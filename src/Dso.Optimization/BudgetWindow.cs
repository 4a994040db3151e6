namespace Dso.Optimization;

/// <summary>
/// The budget period in force: its bounds, what it allows and what has been spent so far. The service uses the
/// calendar month; a simulation uses the trace's span with the budget prorated, as the evaluator does.
/// </summary>
public sealed record BudgetWindow(DateTimeOffset Start, DateTimeOffset End, decimal BudgetUsd, decimal SpentUsd, bool Hard)
{
    /// <summary>The highest hourly spend that, held to the end of the period, keeps the total within budget.</summary>
    public decimal AffordableHourlyUsd(DateTimeOffset now)
    {
        var hoursLeft = (decimal)Math.Max((End - now).TotalHours, 1.0 / 60);
        return Math.Max(0m, (BudgetUsd - SpentUsd) / hoursLeft);
    }

    /// <summary>
    /// The highest hourly spend for the next <see cref="BudgetPace.HoldHours"/> that keeps month-to-date + that spend
    /// + the pace's reserve for the remaining hours within budget; never below the flat rate, which is always safe.
    /// </summary>
    public decimal AffordableHourlyUsd(DateTimeOffset now, BudgetPace pace)
    {
        var flat = AffordableHourlyUsd(now);
        var hoursLeft = (decimal)Math.Max((End - now).TotalHours, 1.0 / 60);
        var hold = Math.Clamp(pace.HoldHours, 1m / 3600, hoursLeft);
        // Clamped so that a reserve computed from an absurd demand reads as "unaffordable" instead of overflowing.
        var reserve = Math.Clamp(pace.ReserveHourlyUsd, 0m, (decimal)Abstractions.Catalog.Usd.Ceiling);
        var paced = (BudgetUsd - SpentUsd - (reserve * (hoursLeft - hold))) / hold;
        return Math.Max(flat, paced);
    }

    /// <summary>
    /// The window with a reserve of <paramref name="share"/> of the budget held back, released evenly as the period
    /// elapses: the reserve covers billing the ledger does not see on the spend still to come (billing minimums,
    /// rounding), so it shrinks with what is left, and a budget that binds can spend it by the period's end instead
    /// of keeping it while the last peak goes unserved.
    /// </summary>
    public BudgetWindow LessReserve(double share, DateTimeOffset now)
    {
        var period = (End - Start).TotalHours;
        var left = period > 0 ? Math.Clamp((End - now).TotalHours / period, 0, 1) : 1;
        return this with { BudgetUsd = BudgetUsd * (1 - (decimal)(share * left)) };
    }

    /// <summary>Spend at the end of the period if <paramref name="hourlyUsd"/> is held from now on.</summary>
    public decimal ProjectedUsd(DateTimeOffset now, decimal hourlyUsd) =>
        SpentUsd + (Math.Clamp(hourlyUsd, -(decimal)Abstractions.Catalog.Usd.Ceiling, (decimal)Abstractions.Catalog.Usd.Ceiling) * (decimal)Math.Max(0, (End - now).TotalHours));

    /// <summary>The budget's state for the decision log when a fleet costing <paramref name="hourlyUsd"/> is chosen.</summary>
    public Abstractions.Decisions.BudgetStatus Status(DateTimeOffset now, decimal hourlyUsd, bool constrained) =>
        new(BudgetUsd, decimal.Round(SpentUsd, 4), decimal.Round(ProjectedUsd(now, hourlyUsd), 4), Hard ? "hard" : "soft", constrained);

    public static BudgetWindow ForMonth(DateTimeOffset now, decimal monthlyUsd, decimal spentUsd, bool hard)
    {
        var start = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return new BudgetWindow(start, start.AddMonths(1), monthlyUsd, spentUsd, hard);
    }
}
