using System.Globalization;
using Dso.Experiments.Analysis;
using Dso.Reconcile.Simulation;
using Spectre.Console;

namespace Dso.Controller.Cli;

/// <summary>The table <c>dso simulate --experiment</c> prints: per variant, then each comparison next to the truth.</summary>
internal static class ExperimentReport
{
    public static void Print(ExperimentSimulationResult result)
    {
        var console = ReportConsole.For(Console.Out); // the table titles carry colour markup: none of it into a file
        console.Profile.Width = Math.Max(console.Profile.Width, 160);
        var design = result.Design;
        var variants = new Table().Title($"experiment on {result.Scenario}: {design.Variants.Count} variants, blocks of {Dso.Experiments.Design.CarryOver.Format(design.BlockLength)}, washout {Dso.Experiments.Design.CarryOver.Format(design.Washout)}, seed {design.Seed}")
            .AddColumn("variant").AddColumn(new TableColumn("whole-trace cost (USD)").RightAligned()).AddColumn(new TableColumn("unserved (%)").RightAligned())
            .AddColumn(new TableColumn("actions").RightAligned()).AddColumn(new TableColumn("switchback blocks").RightAligned())
            .AddColumn(new TableColumn("mean block cost (USD)").RightAligned()).AddColumn(new TableColumn("block unserved (req)").RightAligned());
        foreach (var name in design.Variants)
        {
            var whole = result.WholeTrace[name].Summary;
            var blocks = result.Blocks.Where(b => b.Complete && b.Variant == name).ToList();
            variants.AddRow(
                name + (name == design.Control ? " (control)" : ""),
                F(whole.CostUsd, "0.00"),
                F(whole.UnservedRequestPct, "0.000"),
                whole.ScalingActions.ToString(CultureInfo.InvariantCulture),
                blocks.Count.ToString(CultureInfo.InvariantCulture),
                blocks.Count > 0 ? F(blocks.Average(b => (double)b.CostUsd), "0.0000") : "-",
                blocks.Count > 0 ? F(blocks.Average(b => b.UnservedRequests), "0") : "-");
        }

        console.Write(variants);
        var comparisons = new Table().Title($"{result.Comparisons.FirstOrDefault()?.Metric.ToString() ?? "cost"}: variant - control (switchback estimate vs whole-trace truth)")
            .AddColumn("variant").AddColumn(new TableColumn("switchback estimate").RightAligned()).AddColumn(new TableColumn($"{(1 - result.Alpha) * 100:0.##} % interval").RightAligned())
            .AddColumn(new TableColumn("p (randomization)").RightAligned()).AddColumn(new TableColumn("Holm p").RightAligned())
            .AddColumn(new TableColumn("whole-trace difference").RightAligned()).AddColumn("truth inside").AddColumn(new TableColumn("blocks for 5 %").RightAligned());
        foreach (var c in result.Comparisons)
        {
            var truth = result.WholeTraceRelative(c.Variant);
            // Without a complete block on both sides there is nothing to estimate: "-", not 0.00 % or NaN %.
            var estimated = c.VariantBlocks > 0 && c.ControlBlocks > 0;
            comparisons.AddRow(
                c.Variant + (estimated ? "" : " (no complete block yet)"),
                estimated ? Pct(c.RelativeDifference) : "-",
                $"[[{Pct(c.RelativeLow)}, {Pct(c.RelativeHigh)}]]",
                F(c.PValue, "0.0000") + (c.ExactPValue ? " exact" : ""),
                F(c.AdjustedPValue, "0.0000"),
                Pct(truth),
                Inside(c, truth),
                c.Power is { } power ? $"{power.BlocksNeeded} ({power.MoreBlocks} more)" : "-");
        }

        console.Write(comparisons);
        foreach (var c in result.NoInterference)
        {
            console.WriteLine($"{c.Variant}: without interference (blocks from each variant's whole-trace run) the estimate would be {Pct(c.RelativeDifference)} [{Pct(c.RelativeLow)}, {Pct(c.RelativeHigh)}]; " +
                $"whole-trace difference over measured time {Pct(result.MeasuredTruth.GetValueOrDefault(c.Variant))}");
        }

        if (result.DesignNote is { } note)
        {
            console.WriteLine("note: " + note);
        }
    }

    /// <summary>"yes" when the whole-trace relative difference lies inside the switchback's relative interval.</summary>
    public static string Inside(Comparison c, double truth) =>
        c.RelativeLow is { } low && c.RelativeHigh is { } high ? (truth >= Math.Min(low, high) && truth <= Math.Max(low, high) ? "yes" : "NO") : "unbounded";

    private static string Pct(double? value) => value is { } v && double.IsFinite(v) ? (v * 100).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) + " %" : "-";

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string F(decimal value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
