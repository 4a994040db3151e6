using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>
/// The budget ceiling is priced with what serving a rps has really cost this period (the billed spend over the
/// model's price for the demand actually served), so a fleet dearer than the catalog model does not spend the month's
/// money early and starve its end.
/// </summary>
public sealed class SpendCalibrationTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static BudgetWindow Window(decimal spent, DateTimeOffset? start = null) =>
        new(start ?? Start, (start ?? Start).AddDays(30), 100m, spent, Hard: true);

    [Fact]
    public void Ratio_BilledAboveModel_IsBilledOverModeledForTheDemandServed()
    {
        var calibration = new SpendCalibration();
        calibration.Observe(Window(0), Start, 100, 1000, 0.01, 0);
        // Each hour: 200 rps demanded, 100 served (capacity 100) at $0.01 per rps-hour = $1 modeled; $1.30 billed.
        for (var h = 1; h <= 10; h++)
        {
            calibration.Observe(Window(1.3m * h), Start.AddHours(h), 200, 100, 0.01, 0);
        }

        Assert.Equal(10, calibration.ModeledUsd, 6);
        Assert.Equal(1.3, calibration.Ratio(Window(13m)), 6);
    }

    [Fact]
    public void Ratio_IsBoundedAndStartsAfreshInANewPeriod()
    {
        var calibration = new SpendCalibration();
        Assert.Equal(1, calibration.Ratio(Window(0)));
        calibration.Observe(Window(0), Start, 100, 100, 0.01, 0);
        calibration.Observe(Window(50m), Start.AddHours(1), 100, 100, 0.01, 0);
        Assert.Equal(SpendCalibration.MaxRatio, calibration.Ratio(Window(50m)));

        // Billed under the model (tight packing): the ceiling is never priced below the model.
        var cheap = new SpendCalibration();
        cheap.Observe(Window(0), Start, 100, 100, 0.01, 0);
        cheap.Observe(Window(0.5m), Start.AddHours(1), 100, 100, 0.01, 0);
        Assert.Equal(SpendCalibration.MinRatio, cheap.Ratio(Window(0.5m)));

        var next = Start.AddMonths(1);
        Assert.Equal(1, calibration.Ratio(Window(0, next)));
        calibration.Observe(Window(7m, next), next, 100, 100, 0.01, 0);
        Assert.Equal(0, calibration.ModeledUsd);
    }

    [Fact]
    public void Ratio_LeavesOutWhatAnAnomalyHoldBilled()
    {
        var calibration = new SpendCalibration();
        calibration.Observe(Window(0), Start, 100, 100, 0.01, 0);
        calibration.Observe(Window(1.2m), Start.AddHours(1), 100, 100, 0.01, 0);
        // An outage: nothing served, the fleet held at $5/h.
        calibration.Observe(Window(6.2m), Start.AddHours(2), 0, 100, 0.01, 0, held: true);
        calibration.Observe(Window(7.4m), Start.AddHours(3), 100, 100, 0.01, 0);
        Assert.Equal(1.2, calibration.Ratio(Window(7.4m)), 6);
    }

    [Fact]
    public void Ceiling_AtTheRealizedPrice_BindsWhereTheCatalogPriceWouldNot()
    {
        var history = new DemandHistory(1000);
        foreach (var d in Enumerable.Range(0, 100).Select(i => i < 50 ? 10.0 : 100.0))
        {
            history.Add(d);
        }

        // At $1 per rps-hour all of it costs (10 + 100) / 2 = $55/h: $60/h covers it. Billed at twice the model, a
        // ceiling of 50 costs (10 + 50) / 2 x 2 = $60/h.
        Assert.Equal(double.PositiveInfinity, new BudgetCeiling().Ceiling(Start, history, 60, 1, 0));
        Assert.Equal(50, new BudgetCeiling().Ceiling(Start, history, 60, 1, 0, realizedRatio: 2), 0);
    }
}
