using Dso.Experiments.Analysis;
using Dso.Experiments.Design;
using Dso.Experiments.Metrics;

namespace Dso.Reconcile.Simulation;

/// <summary>
/// An experiment replayed on a scenario both ways: each variant alone over the whole trace (the truth only a
/// simulation knows) and one switchback run; the switchback's estimate should cover the whole-trace difference.
/// </summary>
public sealed record ExperimentSimulationResult(
    string Scenario,
    SwitchbackDesign Design,
    IReadOnlyDictionary<string, SimulationResult> WholeTrace,
    SimulationResult Switchback,
    IReadOnlyList<BlockMetrics> Blocks,
    IReadOnlyList<Comparison> Comparisons,
    string? DesignNote)
{
    /// <summary>The experiment's significance level: its intervals cover 1 - alpha.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>The same analysis on blocks filled from each assigned variant's whole-trace run (see <see cref="PotentialOutcomes"/>).</summary>
    public IReadOnlyList<Comparison> NoInterference { get; init; } = [];

    /// <summary>The whole-trace relative difference over the blocks' measured time only (washouts left out).</summary>
    public IReadOnlyDictionary<string, double> MeasuredTruth { get; init; } = new Dictionary<string, double>();

    /// <summary>Whole-trace relative cost difference of a variant against control, (variant - control) / control.</summary>
    public double WholeTraceRelative(string variant)
    {
        var control = (double)WholeTrace[Design.Control].Summary.CostUsd;
        return control == 0 ? 0 : ((double)WholeTrace[variant].Summary.CostUsd - control) / control;
    }
}
