using Dso.Reconcile.Simulation;

namespace Dso.Controller.Cli;

/// <summary>Draws demand and serving capacity (left axis) and the fleet's hourly cost (right axis) over the run.</summary>
internal static class SimulationPlot
{
    public static void Save(string path, SimulationResult result)
    {
        var plot = new ScottPlot.Plot();
        var xs = Enumerable.Range(0, result.Rows.Count).Select(i => (double)i).ToArray();
        var demand = plot.Add.ScatterLine(xs, result.Rows.Select(r => r.Demand).ToArray());
        demand.LegendText = "demand (rps)";
        var capacity = plot.Add.ScatterLine(xs, result.Rows.Select(r => r.ServingCapacity).ToArray());
        capacity.LegendText = "serving capacity (rps)";
        var cost = plot.Add.ScatterLine(xs, result.Rows.Select(r => (double)r.HourlyCost).ToArray());
        cost.LegendText = "fleet cost (USD/h)";
        cost.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "USD per hour";
        plot.Axes.Left.Label.Text = "requests/s";
        plot.Axes.Bottom.Label.Text = "trace row";
        plot.Title($"{result.Summary.Scenario}: cost ${result.Summary.CostUsd:0.00}, unserved {result.Summary.UnservedRequestPct:0.000}%");
        plot.ShowLegend();
        plot.SavePng(path, 1600, 600);
    }
}
