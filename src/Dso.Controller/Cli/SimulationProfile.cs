using System.Globalization;
using Dso.Reconcile;
using Spectre.Console;

namespace Dso.Controller.Cli;

/// <summary>
/// <c>dso simulate --profile</c>'s table: each stage's elapsed time, its share and its cost per row, then the garbage
/// collector's share. It tells an operator whether a slow simulation is the planner, the forecaster's retraining or
/// the decision log; <c>dotnet-trace</c> (see README) goes below a stage.
/// </summary>
internal static class SimulationProfile
{
    /// <param name="sensingThread">Time the sensing thread worked, when detection and forecasting ran ahead on it (the
    /// loop's "forecast" stage is then its wait for that thread).</param>
    public static void Print(StageTimer stages, int rows, TimeSpan total, TimeSpan? sensingThread = null)
    {
        var table = new Table().Title("where the time went").AddColumn("stage")
            .AddColumn(new TableColumn("seconds").RightAligned())
            .AddColumn(new TableColumn("share").RightAligned())
            .AddColumn(new TableColumn("ms per row").RightAligned());
        var measured = TimeSpan.Zero;
        foreach (var (stage, elapsed, _) in stages.Totals.OrderByDescending(t => t.Elapsed))
        {
            measured += elapsed;
            table.AddRow(stage, Seconds(elapsed), Share(elapsed, total), (elapsed.TotalMilliseconds / Math.Max(rows, 1)).ToString("0.000", CultureInfo.InvariantCulture));
        }

        var rest = total - measured;
        table.AddRow("other (policy load, startup)", Seconds(rest), Share(rest, total), "");
        table.AddRow("total", Seconds(total), "100 %", (total.TotalMilliseconds / Math.Max(rows, 1)).ToString("0.000", CultureInfo.InvariantCulture));
        var pause = GC.GetTotalPauseDuration();
        table.AddRow("of which GC pauses", Seconds(pause), Share(pause, total), "");
        if (sensingThread is { } busy)
        {
            // Overlapped with the stages above: not part of the total.
            table.AddRow("sensing thread (detect + forecast, overlapped; \"forecast\" above waits for it)", Seconds(busy), Share(busy, total),
                (busy.TotalMilliseconds / Math.Max(rows, 1)).ToString("0.000", CultureInfo.InvariantCulture));
        }
        table.Caption(string.Create(CultureInfo.InvariantCulture,
            $"{GC.GetTotalAllocatedBytes() / (1024.0 * 1024 * 1024):0.0} GiB allocated; collections gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}; elapsed time, not CPU"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Write(table);
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Share(TimeSpan part, TimeSpan total) =>
        (100.0 * part.Ticks / Math.Max(total.Ticks, 1)).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}
